//! Sockets the embedder passes in: accept, receive, send, shut down, poll, and the
//! errors of socket calls on other descriptors. Traffic stays on the loopback address.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use common::{Guest, OUT, SCRATCH};
use ward::Val;
use ward_wasi::{Errno, WasiCtxBuilder};

fn i32v(v: u32) -> Val {
    Val::I32(v as i32)
}

/// The guest's first socket: descriptor 3, after stdio, with no preopened directory.
const LISTENER: u32 = 3;

#[test]
fn a_guest_accepts_receives_sends_and_shuts_down() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let ctx = WasiCtxBuilder::new()
        .preopened_tcp_listener(listener)
        .build();
    let mut guest = Guest::new(ctx);

    let client = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(b"ping").unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        reply
    });

    // Wait for the connection with poll_oneoff (a read subscription on the listener).
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&5u64.to_le_bytes());
    sub[8] = 1;
    sub[16..20].copy_from_slice(&LISTENER.to_le_bytes());
    guest.write(SCRATCH, &sub);
    guest
        .call(
            "poll_oneoff",
            &[i32v(SCRATCH), i32v(SCRATCH + 64), i32v(1), i32v(OUT)],
        )
        .unwrap();
    assert_eq!(guest.read_u32(OUT), 1);
    assert_eq!(guest.read_u64(SCRATCH + 64), 5);

    guest
        .call("sock_accept", &[i32v(LISTENER), i32v(0), i32v(OUT)])
        .unwrap();
    let conn = guest.read_u32(OUT);
    assert_eq!(conn, 4);

    // Receive "ping" into a 16-byte buffer.
    guest.write(OUT, &SCRATCH.to_le_bytes());
    guest.write(OUT + 4, &16u32.to_le_bytes());
    let mut received = 0;
    while received < 4 {
        guest
            .call(
                "sock_recv",
                &[
                    i32v(conn),
                    i32v(OUT),
                    i32v(1),
                    i32v(0),
                    i32v(OUT + 8),
                    i32v(OUT + 12),
                ],
            )
            .unwrap();
        let n = guest.read_u32(OUT + 8);
        assert!(n > 0, "the peer closed early");
        let chunk = guest.read(SCRATCH, n);
        guest.write(SCRATCH + 100 + received, &chunk);
        received += n;
    }
    assert_eq!(guest.read(SCRATCH + 100, 4), b"ping");

    // Send "pong", then shut down writing so the client sees the end.
    guest.write(SCRATCH, b"pong");
    guest.write(OUT, &SCRATCH.to_le_bytes());
    guest.write(OUT + 4, &4u32.to_le_bytes());
    guest
        .call(
            "sock_send",
            &[i32v(conn), i32v(OUT), i32v(1), i32v(0), i32v(OUT + 8)],
        )
        .unwrap();
    assert_eq!(guest.read_u32(OUT + 8), 4);
    guest.call("sock_shutdown", &[i32v(conn), i32v(2)]).unwrap();
    assert_eq!(client.join().unwrap(), b"pong");

    assert_eq!(
        guest.call("sock_shutdown", &[i32v(conn), i32v(9)]),
        Err(Errno::Inval)
    );
    guest.call("fd_close", &[i32v(conn)]).unwrap();
}

#[test]
fn socket_calls_on_other_descriptors_fail() {
    let (left, right) = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let left = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (right, _) = listener.accept().unwrap();
        (left, right)
    };
    let ctx = WasiCtxBuilder::new().preopened_tcp_stream(left).build();
    let mut guest = Guest::new(ctx);
    // Standard output is not a socket; descriptor 9 does not exist.
    assert_eq!(
        guest.call("sock_shutdown", &[i32v(1), i32v(3)]),
        Err(Errno::NotSock)
    );
    assert_eq!(
        guest.call("sock_shutdown", &[i32v(9), i32v(3)]),
        Err(Errno::Badf)
    );
    assert_eq!(
        guest.call("sock_accept", &[i32v(1), i32v(0), i32v(OUT)]),
        Err(Errno::NotSock)
    );
    // A connected stream is not a listener.
    assert_eq!(
        guest.call("sock_accept", &[i32v(3), i32v(0), i32v(OUT)]),
        Err(Errno::NotSock)
    );
    // fd_write works on a stream socket too.
    assert_eq!(guest.write_fd(3, b"via fd_write"), Ok(12));
    guest.call("sock_shutdown", &[i32v(3), i32v(3)]).unwrap();
    let mut got = String::new();
    let mut right = right;
    right.read_to_string(&mut got).unwrap();
    assert_eq!(got, "via fd_write");
    right.shutdown(Shutdown::Both).unwrap();
}
