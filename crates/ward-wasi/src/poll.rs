//! `poll_oneoff`: wait for clocks and for descriptors to become readable or writable.

use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::pipe::{HostOutput, Input, Output};
use crate::sys::{self, Interest};
use crate::table::Kind;
use crate::types::{eventtype, layout, rights, Errno, WasiResult};

/// `subclockflags`: the timeout is an absolute time of the clock, not a duration.
const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;
/// `eventrwflags`: the peer hung up.
const EVENT_FD_READWRITE_HANGUP: u16 = 1;

/// One event to report.
#[derive(Debug, Clone, Copy)]
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    flags: u16,
}

impl Event {
    fn new(userdata: u64, kind: u8, error: Errno) -> Event {
        Event {
            userdata,
            error,
            kind,
            nbytes: 0,
            flags: 0,
        }
    }

    fn write(&self, mem: &mut GuestMemory, ptr: u32) -> WasiResult<()> {
        let mut bytes = [0u8; layout::EVENT_SIZE as usize];
        bytes[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        bytes[8..10].copy_from_slice(&(self.error as u16).to_le_bytes());
        bytes[10] = self.kind;
        bytes[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        bytes[24..26].copy_from_slice(&self.flags.to_le_bytes());
        mem.write(ptr, &bytes)
    }
}

/// A clock subscription: when it fires, as a duration from the start of the call.
struct ClockSub {
    userdata: u64,
    after: Duration,
}

/// A descriptor the host has to poll.
enum HostFd {
    Stdin,
    Stdout,
    Stderr,
    Fd(u32),
}

struct FdSub {
    userdata: u64,
    kind: u8,
    host: HostFd,
}

impl WasiCtx {
    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory,
        subs_ptr: u32,
        events_ptr: u32,
        nsubscriptions: u32,
        nevents_ptr: u32,
    ) -> WasiResult<()> {
        if nsubscriptions == 0 {
            return Err(Errno::Inval);
        }
        let subs_size = (nsubscriptions as usize)
            .checked_mul(layout::SUBSCRIPTION_SIZE as usize)
            .ok_or(Errno::Fault)?;
        let events_size = (nsubscriptions as usize)
            .checked_mul(layout::EVENT_SIZE as usize)
            .ok_or(Errno::Fault)?;
        mem.check(subs_ptr, subs_size)?;
        mem.check(events_ptr, events_size)?;
        mem.check(nevents_ptr, 4)?;

        let start = Instant::now();
        let mut ready: Vec<Event> = Vec::new();
        let mut clocks: Vec<ClockSub> = Vec::new();
        let mut waits: Vec<FdSub> = Vec::new();
        for i in 0..nsubscriptions {
            let at = subs_ptr + i * layout::SUBSCRIPTION_SIZE;
            let userdata = mem.read_u64(at)?;
            let tag = mem.slice(at + 8, 1)?[0];
            match tag {
                eventtype::CLOCK => {
                    let id = mem.read_u32(at + 16)?;
                    let timeout = mem.read_u64(at + 24)?;
                    let flags = mem.read_u16(at + 40)?;
                    let now = match sys::clock_time(id) {
                        Ok(now) => now,
                        Err(err) => {
                            ready.push(Event::new(userdata, tag, err));
                            continue;
                        }
                    };
                    let after = if flags & SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                        timeout.saturating_sub(now)
                    } else {
                        timeout
                    };
                    clocks.push(ClockSub {
                        userdata,
                        after: Duration::from_nanos(after),
                    });
                }
                eventtype::FD_READ | eventtype::FD_WRITE => {
                    let fd = mem.read_u32(at + 16)?;
                    match self.classify(fd, tag, userdata) {
                        Ok(Some(sub)) => waits.push(sub),
                        Ok(None) => ready.push(self.ready_now(fd, tag, userdata)),
                        Err(err) => ready.push(Event::new(userdata, tag, err)),
                    }
                }
                _ => return Err(Errno::Inval),
            }
        }

        let first_clock = clocks.iter().map(|c| c.after).min();
        let timeout = if ready.is_empty() {
            first_clock
        } else {
            Some(Duration::ZERO)
        };
        if !waits.is_empty() {
            let fds: Vec<(BorrowedFd<'_>, Interest)> = waits
                .iter()
                .map(|w| {
                    let interest = if w.kind == eventtype::FD_READ {
                        Interest::Read
                    } else {
                        Interest::Write
                    };
                    (self.host_fd(&w.host), interest)
                })
                .collect();
            let readiness = sys::poll(&fds, timeout)?;
            for ((w, (fd, _)), r) in waits.iter().zip(&fds).zip(readiness) {
                if r.ready {
                    let mut event = Event::new(w.userdata, w.kind, Errno::Success);
                    if w.kind == eventtype::FD_READ {
                        event.nbytes = sys::bytes_readable(*fd);
                    }
                    if r.hangup {
                        event.flags = EVENT_FD_READWRITE_HANGUP;
                    }
                    ready.push(event);
                }
            }
        } else if let (true, Some(wait)) = (ready.is_empty(), timeout) {
            std::thread::sleep(wait);
        }

        // Every clock that has run out fires. A wait that ended on its timeout with
        // nothing else ready fires the first clock(s) even if the host's sleep came back
        // a hair early.
        let elapsed = start.elapsed();
        let timed_out = ready.is_empty();
        for clock in &clocks {
            if clock.after <= elapsed || (timed_out && Some(clock.after) == first_clock) {
                ready.push(Event::new(clock.userdata, eventtype::CLOCK, Errno::Success));
            }
        }

        for (i, event) in ready.iter().enumerate() {
            event.write(mem, events_ptr + i as u32 * layout::EVENT_SIZE)?;
        }
        mem.write_u32(nevents_ptr, ready.len() as u32)
    }

    /// How a descriptor subscription is served: `None` when it is ready at once (files,
    /// in-memory pipes), else the host descriptor to poll.
    fn classify(&self, fd: u32, tag: u8, userdata: u64) -> WasiResult<Option<FdSub>> {
        let entry = self.table.get(fd)?;
        entry.require(rights::POLL_FD_READWRITE)?;
        let host = match &entry.kind {
            Kind::Stdin(Input::Inherit) => HostFd::Stdin,
            Kind::Stdout(Output::Inherit(HostOutput::Stdout)) => HostFd::Stdout,
            Kind::Stdout(Output::Inherit(HostOutput::Stderr)) => HostFd::Stderr,
            Kind::Listener(_) | Kind::Stream(_) => HostFd::Fd(fd),
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::File(_) | Kind::Dir(_) => return Ok(None),
        };
        Ok(Some(FdSub {
            userdata,
            kind: tag,
            host,
        }))
    }

    /// The event of a descriptor that is always ready: a regular file reports the bytes
    /// left to read from its position.
    fn ready_now(&self, fd: u32, tag: u8, userdata: u64) -> Event {
        let mut event = Event::new(userdata, tag, Errno::Success);
        if tag == eventtype::FD_READ {
            if let Ok(Kind::File(f)) = self.table.get(fd).map(|e| &e.kind) {
                use std::io::Seek;
                let size = f.file.metadata().map(|m| m.len()).unwrap_or(0);
                let pos = (&f.file).stream_position().unwrap_or(size);
                event.nbytes = size.saturating_sub(pos);
            }
        }
        event
    }

    fn host_fd(&self, host: &HostFd) -> BorrowedFd<'_> {
        match host {
            HostFd::Stdin => rustix::stdio::stdin(),
            HostFd::Stdout => rustix::stdio::stdout(),
            HostFd::Stderr => rustix::stdio::stderr(),
            HostFd::Fd(fd) => match self.table.get(*fd).map(|e| &e.kind) {
                Ok(Kind::Listener(l)) => l.as_fd(),
                Ok(Kind::Stream(s)) => s.as_fd(),
                _ => unreachable!("classify chose only sockets"),
            },
        }
    }
}
