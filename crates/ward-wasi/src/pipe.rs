//! Standard streams: the host's own, or in-memory pipes an embedder (or a test) gives
//! the guest instead.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A readable stream for a guest's standard input: bytes in memory, or any reader.
///
/// Clones share the stream.
#[derive(Clone)]
pub struct ReadPipe {
    inner: Arc<Mutex<Box<dyn Read + Send>>>,
}

impl ReadPipe {
    /// A pipe that reads from `reader`.
    pub fn new(reader: impl Read + Send + 'static) -> Self {
        ReadPipe {
            inner: Arc::new(Mutex::new(Box::new(reader))),
        }
    }

    /// A pipe that yields `bytes`, then end of file.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self::new(io::Cursor::new(bytes.into()))
    }

    /// A pipe that is at end of file from the start.
    pub fn empty() -> Self {
        Self::new(io::empty())
    }

    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        lock(&self.inner).read(buf)
    }
}

impl std::fmt::Debug for ReadPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadPipe")
    }
}

enum Sink {
    Memory(Vec<u8>),
    Writer(Box<dyn Write + Send>),
}

/// A writable stream for a guest's standard output or error: a buffer in memory whose
/// contents the embedder reads afterwards, or any writer.
///
/// Clones share the stream, so an embedder keeps a clone to read what the guest wrote.
#[derive(Clone)]
pub struct WritePipe {
    inner: Arc<Mutex<Sink>>,
}

impl WritePipe {
    /// A pipe that collects everything written in memory (see [`WritePipe::contents`]).
    pub fn new_in_memory() -> Self {
        WritePipe {
            inner: Arc::new(Mutex::new(Sink::Memory(Vec::new()))),
        }
    }

    /// A pipe that writes to `writer`.
    pub fn new(writer: impl Write + Send + 'static) -> Self {
        WritePipe {
            inner: Arc::new(Mutex::new(Sink::Writer(Box::new(writer)))),
        }
    }

    /// A pipe that discards what is written.
    pub fn sink() -> Self {
        Self::new(io::sink())
    }

    /// What was written so far to an in-memory pipe; empty for a pipe to a writer.
    pub fn contents(&self) -> Vec<u8> {
        match &*lock(&self.inner) {
            Sink::Memory(bytes) => bytes.clone(),
            Sink::Writer(_) => Vec::new(),
        }
    }

    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        match &mut *lock(&self.inner) {
            Sink::Memory(bytes) => {
                bytes.extend_from_slice(buf);
                Ok(buf.len())
            }
            Sink::Writer(writer) => {
                writer.write_all(buf)?;
                writer.flush()?;
                Ok(buf.len())
            }
        }
    }
}

impl std::fmt::Debug for WritePipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WritePipe")
    }
}

/// A lock that a panic in another user of the pipe does not poison for good: the
/// buffer stays consistent whatever the panicking code did with it.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A guest's standard input.
#[derive(Debug, Clone)]
pub(crate) enum Input {
    /// The host process's standard input.
    Inherit,
    Pipe(ReadPipe),
}

/// Which host stream an inherited output stream is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HostOutput {
    Stdout,
    Stderr,
}

/// A guest's standard output or error.
#[derive(Debug, Clone)]
pub(crate) enum Output {
    /// The host process's stream.
    Inherit(HostOutput),
    Pipe(WritePipe),
}

impl Input {
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Inherit => crate::sys::read_stdin(buf),
            Input::Pipe(pipe) => pipe.read(buf),
        }
    }
}

impl Output {
    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Inherit(HostOutput::Stdout) => {
                let mut out = io::stdout().lock();
                out.write_all(buf)?;
                out.flush()?;
                Ok(buf.len())
            }
            Output::Inherit(HostOutput::Stderr) => {
                let mut err = io::stderr().lock();
                err.write_all(buf)?;
                err.flush()?;
                Ok(buf.len())
            }
            Output::Pipe(pipe) => pipe.write(buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ReadPipe, WritePipe};

    #[test]
    fn in_memory_pipes_keep_what_was_written() {
        let pipe = WritePipe::new_in_memory();
        let clone = pipe.clone();
        clone.write(b"hello, ").unwrap();
        clone.write(b"world").unwrap();
        assert_eq!(pipe.contents(), b"hello, world");
    }

    #[test]
    fn read_pipes_yield_their_bytes_then_eof() {
        let pipe = ReadPipe::from_bytes("abc");
        let mut buf = [0u8; 2];
        assert_eq!(pipe.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf, b"ab");
        assert_eq!(pipe.read(&mut buf).unwrap(), 1);
        assert_eq!(pipe.read(&mut buf).unwrap(), 0);
        assert_eq!(ReadPipe::empty().read(&mut buf).unwrap(), 0);
    }
}
