//! WASI calls as a guest makes them: bounds-checked pointers, errno values, standard
//! streams, arguments and environment, clocks, polling and `proc_exit`.

mod common;

use std::time::{Duration, Instant};

use common::{Guest, MEMORY_SIZE, OUT, SCRATCH};
use ward::{Engine, Linker, Module, Store, Val};
use ward_wasi::{Errno, I32Exit, ReadPipe, WasiCtx, WasiCtxBuilder, WritePipe};

fn i32v(v: u32) -> Val {
    Val::I32(v as i32)
}

fn guest_with_stdout() -> (Guest, WritePipe) {
    let stdout = WritePipe::new_in_memory();
    let ctx = WasiCtxBuilder::new().stdout(stdout.clone()).build();
    (Guest::new(ctx), stdout)
}

#[test]
fn fd_write_to_a_pipe() {
    let (mut guest, stdout) = guest_with_stdout();
    assert_eq!(guest.write_fd(1, b"hello"), Ok(5));
    assert_eq!(stdout.contents(), b"hello");
}

#[test]
fn out_of_bounds_pointers_return_fault_and_do_nothing() {
    let (mut guest, stdout) = guest_with_stdout();
    // The iovec array itself runs past the end of memory.
    assert_eq!(
        guest.call(
            "fd_write",
            &[i32v(1), i32v(MEMORY_SIZE - 4), i32v(1), i32v(OUT)]
        ),
        Err(Errno::Fault)
    );
    // An iovec whose buffer runs past the end, after a valid one.
    guest.write(OUT, &SCRATCH.to_le_bytes());
    guest.write(OUT + 4, &4u32.to_le_bytes());
    guest.write(OUT + 8, &(MEMORY_SIZE - 2).to_le_bytes());
    guest.write(OUT + 12, &4u32.to_le_bytes());
    assert_eq!(
        guest.call("fd_write", &[i32v(1), i32v(OUT), i32v(2), i32v(OUT + 16)]),
        Err(Errno::Fault)
    );
    // A valid buffer, but the count goes out of bounds: nothing is written either.
    assert_eq!(
        guest.call(
            "fd_write",
            &[i32v(1), i32v(OUT), i32v(1), i32v(MEMORY_SIZE - 3)]
        ),
        Err(Errno::Fault)
    );
    // Addresses near 4 GiB that wrap around.
    assert_eq!(
        guest.call("fd_write", &[i32v(1), i32v(u32::MAX), i32v(1), i32v(OUT)]),
        Err(Errno::Fault)
    );
    assert!(stdout.contents().is_empty(), "a failed call wrote output");

    assert_eq!(
        guest.call("args_sizes_get", &[i32v(MEMORY_SIZE), i32v(OUT)]),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call("random_get", &[i32v(MEMORY_SIZE - 8), i32v(16)]),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call(
            "clock_time_get",
            &[i32v(0), Val::I64(0), i32v(MEMORY_SIZE - 4)]
        ),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call(
            "poll_oneoff",
            &[i32v(MEMORY_SIZE - 8), i32v(OUT), i32v(1), i32v(OUT)]
        ),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call("fd_fdstat_get", &[i32v(1), i32v(MEMORY_SIZE - 1)]),
        Err(Errno::Fault)
    );
}

#[test]
fn path_pointers_are_checked() {
    let dir = common::TempDir::new("paths");
    let mut guest = Guest::with_dir(dir.path(), ward_wasi::DirPerms::ReadWrite);
    assert_eq!(
        guest.call(
            "path_create_directory",
            &[i32v(3), i32v(MEMORY_SIZE - 2), i32v(4)]
        ),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call(
            "fd_prestat_dir_name",
            &[i32v(3), i32v(MEMORY_SIZE), i32v(1)]
        ),
        Err(Errno::Fault)
    );
    assert_eq!(
        guest.call(
            "fd_readdir",
            &[
                i32v(3),
                i32v(MEMORY_SIZE - 10),
                i32v(64),
                Val::I64(0),
                i32v(OUT)
            ]
        ),
        Err(Errno::Fault)
    );
    // Paths must be UTF-8 without NUL.
    guest.write(SCRATCH, &[0xff, 0xfe]);
    assert_eq!(
        guest.call("path_create_directory", &[i32v(3), i32v(SCRATCH), i32v(2)]),
        Err(Errno::Ilseq)
    );
    assert_eq!(
        guest.path_call("path_create_directory", 3, "a\0b"),
        Err(Errno::Inval)
    );
    assert_eq!(
        guest.path_call("path_create_directory", 3, ""),
        Err(Errno::NoEnt)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn narrow_parameters_with_high_bits_are_invalid() {
    let (mut guest, _) = guest_with_stdout();
    // whence is a u8: 256 is not one.
    assert_eq!(
        guest.call("fd_seek", &[i32v(1), Val::I64(0), i32v(256), i32v(OUT)]),
        Err(Errno::Inval)
    );
    assert_eq!(
        guest.call("fd_seek", &[i32v(1), Val::I64(0), i32v(0), i32v(OUT)]),
        Err(Errno::Spipe)
    );
}

#[test]
fn bad_descriptors_are_badf() {
    let (mut guest, _) = guest_with_stdout();
    assert_eq!(guest.write_fd(7, b"x"), Err(Errno::Badf));
    assert_eq!(guest.call("fd_close", &[i32v(7)]), Err(Errno::Badf));
    assert_eq!(
        guest.call("fd_prestat_get", &[i32v(0), i32v(OUT)]),
        Err(Errno::Badf)
    );
    // Writing to standard input, reading from standard output.
    assert_eq!(guest.write_fd(0, b"x"), Err(Errno::Badf));
    assert_eq!(guest.read_fd(1, 4), Err(Errno::Badf));
}

#[test]
fn args_and_environment_reach_the_guest() {
    let ctx = WasiCtxBuilder::new()
        .args(["prog", "first", "sec ond"])
        .env("KEY", "value")
        .env("EMPTY", "")
        .build();
    let mut guest = Guest::new(ctx);
    guest
        .call("args_sizes_get", &[i32v(OUT), i32v(OUT + 4)])
        .unwrap();
    assert_eq!(guest.read_u32(OUT), 3);
    assert_eq!(guest.read_u32(OUT + 4), 5 + 6 + 8);
    guest.call("args_get", &[i32v(OUT), i32v(SCRATCH)]).unwrap();
    assert_eq!(guest.read(SCRATCH, 19), b"prog\0first\0sec ond\0");
    assert_eq!(guest.read_u32(OUT), SCRATCH);
    assert_eq!(guest.read_u32(OUT + 4), SCRATCH + 5);
    assert_eq!(guest.read_u32(OUT + 8), SCRATCH + 11);

    guest
        .call("environ_sizes_get", &[i32v(OUT), i32v(OUT + 4)])
        .unwrap();
    assert_eq!(guest.read_u32(OUT), 2);
    assert_eq!(guest.read_u32(OUT + 4), 10 + 7);
    guest
        .call("environ_get", &[i32v(OUT), i32v(SCRATCH)])
        .unwrap();
    assert_eq!(guest.read(SCRATCH, 17), b"KEY=value\0EMPTY=\0");
}

#[test]
fn stdin_reads_from_a_pipe() {
    let ctx = WasiCtxBuilder::new()
        .stdin(ReadPipe::from_bytes("input"))
        .build();
    let mut guest = Guest::new(ctx);
    assert_eq!(guest.read_fd(0, 3).unwrap(), b"inp");
    assert_eq!(guest.read_fd(0, 10).unwrap(), b"ut");
    assert_eq!(guest.read_fd(0, 10).unwrap(), b"");
}

#[test]
fn clocks() {
    let (mut guest, _) = guest_with_stdout();
    let time = |guest: &mut Guest, id: u32| -> Result<u64, Errno> {
        guest.call("clock_time_get", &[i32v(id), Val::I64(1), i32v(OUT)])?;
        Ok(guest.read_u64(OUT))
    };
    let a = time(&mut guest, 1).unwrap();
    let b = time(&mut guest, 1).unwrap();
    assert!(b >= a, "the monotonic clock went back");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let wall = time(&mut guest, 0).unwrap();
    assert!(wall.abs_diff(now) < 60_000_000_000, "{wall} vs {now}");
    assert!(time(&mut guest, 2).is_ok());
    assert_eq!(time(&mut guest, 9), Err(Errno::Inval));
}

#[test]
fn random_get_fills_the_buffer() {
    let (mut guest, _) = guest_with_stdout();
    guest.write(SCRATCH, &[0; 64]);
    guest
        .call("random_get", &[i32v(SCRATCH), i32v(64)])
        .unwrap();
    assert_ne!(guest.read(SCRATCH, 64), vec![0; 64]);
    guest
        .call("random_get", &[i32v(MEMORY_SIZE), i32v(0)])
        .unwrap();
}

/// Writes a subscription at `at`: a relative monotonic clock of `nanos`, or a read of `fd`.
fn subscription(guest: &mut Guest, at: u32, userdata: u64, clock: Option<u64>, fd: u32) {
    let mut bytes = [0u8; 48];
    bytes[0..8].copy_from_slice(&userdata.to_le_bytes());
    match clock {
        Some(nanos) => {
            bytes[8] = 0;
            bytes[16..20].copy_from_slice(&1u32.to_le_bytes());
            bytes[24..32].copy_from_slice(&nanos.to_le_bytes());
        }
        None => {
            bytes[8] = 1;
            bytes[16..20].copy_from_slice(&fd.to_le_bytes());
        }
    }
    guest.write(at, &bytes);
}

#[test]
fn poll_oneoff_waits_for_clocks_and_reports_fds() {
    let ctx = WasiCtxBuilder::new()
        .stdin(ReadPipe::from_bytes("ready"))
        .build();
    let mut guest = Guest::new(ctx);
    let events = SCRATCH + 2048;

    subscription(&mut guest, SCRATCH, 7, Some(20_000_000), 0);
    let start = Instant::now();
    guest
        .call(
            "poll_oneoff",
            &[i32v(SCRATCH), i32v(events), i32v(1), i32v(OUT)],
        )
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert_eq!(guest.read_u32(OUT), 1);
    assert_eq!(guest.read_u64(events), 7);
    assert_eq!(guest.read(events + 10, 1)[0], 0, "a clock event");

    // A ready pipe and a bad descriptor answer at once, before a long clock.
    subscription(&mut guest, SCRATCH, 1, Some(10_000_000_000), 0);
    subscription(&mut guest, SCRATCH + 48, 2, None, 0);
    subscription(&mut guest, SCRATCH + 96, 3, None, 42);
    let start = Instant::now();
    guest
        .call(
            "poll_oneoff",
            &[i32v(SCRATCH), i32v(events), i32v(3), i32v(OUT)],
        )
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(guest.read_u32(OUT), 2);
    let mut seen: Vec<(u64, u16)> = (0..2)
        .map(|i| {
            let at = events + i * 32;
            let errno = u16::from_le_bytes(guest.read(at + 8, 2).try_into().unwrap());
            (guest.read_u64(at), errno)
        })
        .collect();
    seen.sort();
    assert_eq!(seen, [(2, 0), (3, Errno::Badf as u16)]);

    assert_eq!(
        guest.call(
            "poll_oneoff",
            &[i32v(SCRATCH), i32v(events), i32v(0), i32v(OUT)]
        ),
        Err(Errno::Inval)
    );
}

#[test]
fn proc_exit_is_a_recognisable_trap() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func (export "_start") (call $exit (i32.const 17)) unreachable)
          (func (export "trap") unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let mut linker = Linker::new(&engine);
    ward_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();

    let trap = instance.get_typed_func::<(), ()>(&store, "trap").unwrap();
    let err = trap.call(&mut store, ()).unwrap_err();
    assert_eq!(I32Exit::from_error(&err), None);

    let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
    let err = start.call(&mut store, ()).unwrap_err();
    assert_eq!(I32Exit::from_error(&err), Some(I32Exit(17)));
    assert_eq!(store.data().exit_code(), Some(17));
    assert_eq!(err.as_trap().unwrap().message(), "exit status 17");
    // A host trap with the same message is not an exit.
    assert_eq!(I32Exit::from_trap(&ward::Trap::new("exit status 17")), None);
}

#[test]
fn proc_raise_is_nosys_and_sched_yield_succeeds() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
          (func (export "raise") (result i32) (call $raise (i32.const 6)))
          (func (export "yield") (result i32) (call $yield)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let mut linker = Linker::new(&engine);
    ward_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let raise = instance.get_typed_func::<(), i32>(&store, "raise").unwrap();
    assert_eq!(raise.call(&mut store, ()).unwrap(), Errno::NoSys as i32);
    let sched = instance.get_typed_func::<(), i32>(&store, "yield").unwrap();
    assert_eq!(sched.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn a_missing_preopen_directory_is_an_error() {
    let err = WasiCtxBuilder::new()
        .preopened_dir("/nonexistent/ward/dir", "/", ward_wasi::DirPerms::ReadWrite)
        .unwrap_err();
    assert!(matches!(err, ward_wasi::Error::Preopen { .. }));
    assert!(err.to_string().contains("/nonexistent/ward/dir"), "{err}");
}
