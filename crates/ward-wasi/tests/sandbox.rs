//! A guest sees only its preopened directories: these tests try to leave one by every
//! way a path can (absolute paths, `..`, symbolic links made by the host or by the
//! guest, renames and links) and to modify a read-only one, and check that nothing
//! outside is read or touched.

mod common;

use common::{Guest, TempDir};
use ward::Val;
use ward_wasi::{filetype, oflags, rights, DirPerms, Errno};

const SECRET: &[u8] = b"top secret";
const PREOPEN: u32 = 3;

/// `base/outside/secret.txt` next to the preopen `base/jail`, which holds `file.txt`,
/// `sub/`, and host-made symlinks that point outside (`abs_link`, `rel_link`,
/// `sub/deep_link`) and one that stays inside (`ok_link`).
struct Layout {
    base: TempDir,
}

impl Layout {
    fn new() -> Layout {
        let base = TempDir::new("sandbox");
        let outside = base.path().join("outside");
        let jail = base.path().join("jail");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
        std::fs::create_dir_all(jail.join("sub")).unwrap();
        std::fs::write(jail.join("file.txt"), b"inside").unwrap();
        std::os::unix::fs::symlink(&outside, jail.join("abs_link")).unwrap();
        std::os::unix::fs::symlink("../outside", jail.join("rel_link")).unwrap();
        std::os::unix::fs::symlink("../../outside/secret.txt", jail.join("sub/deep_link")).unwrap();
        std::os::unix::fs::symlink("file.txt", jail.join("ok_link")).unwrap();
        Layout { base }
    }

    fn jail(&self) -> std::path::PathBuf {
        self.base.path().join("jail")
    }

    fn outside(&self) -> std::path::PathBuf {
        self.base.path().join("outside")
    }

    fn guest(&self, perms: DirPerms) -> Guest {
        Guest::with_dir(&self.jail(), perms)
    }

    /// The names in the outside directory: it must only ever hold the secret.
    fn outside_names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.outside())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

const READ: u64 = rights::FD_READ | rights::FD_SEEK | rights::FD_FILESTAT_GET;

/// Opens `path` for reading and returns its contents, or the errno.
fn read_file(guest: &mut Guest, path: &str, follow: bool) -> Result<Vec<u8>, Errno> {
    let fd = guest.open(PREOPEN, path, 0, READ, follow)?;
    let data = guest.read_fd(fd, 256);
    guest.call("fd_close", &[Val::I32(fd as i32)]).unwrap();
    data
}

#[test]
fn the_preopen_works_from_inside() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    assert_eq!(read_file(&mut guest, "file.txt", true).unwrap(), b"inside");
    assert_eq!(
        read_file(&mut guest, "sub/../file.txt", true).unwrap(),
        b"inside"
    );
    assert_eq!(
        read_file(&mut guest, "./sub/./../file.txt", true).unwrap(),
        b"inside"
    );
    assert_eq!(read_file(&mut guest, "ok_link", true).unwrap(), b"inside");
    assert_eq!(
        guest.filetype(PREOPEN, "ok_link", false),
        Ok(filetype::SYMBOLIC_LINK)
    );
}

#[test]
fn absolute_paths_are_refused() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    let secret = layout.outside().join("secret.txt");
    let secret = secret.to_str().unwrap();
    assert_eq!(read_file(&mut guest, secret, true), Err(Errno::Perm));
    assert_eq!(read_file(&mut guest, "/file.txt", true), Err(Errno::Perm));
    assert_eq!(guest.filetype(PREOPEN, "/etc", true), Err(Errno::Perm));
    let new_dir = layout.outside().join("made");
    assert_eq!(
        guest.path_call("path_create_directory", PREOPEN, new_dir.to_str().unwrap()),
        Err(Errno::Perm)
    );
    assert_eq!(layout.outside_names(), ["secret.txt"]);
}

#[test]
fn dot_dot_cannot_climb_above_the_preopen() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    for path in [
        "../outside/secret.txt",
        "sub/../../outside/secret.txt",
        "sub/../sub/../../outside/secret.txt",
        "./../outside/secret.txt",
    ] {
        assert_eq!(
            read_file(&mut guest, path, true),
            Err(Errno::Perm),
            "{path}"
        );
    }
    assert_eq!(guest.filetype(PREOPEN, "..", true), Err(Errno::Perm));
    assert_eq!(
        guest.open(PREOPEN, "..", oflags::DIRECTORY, READ, true),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.path_call("path_create_directory", PREOPEN, "../outside/made"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.open(PREOPEN, "../outside/new.txt", oflags::CREAT, READ, true),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.path_call("path_unlink_file", PREOPEN, "../outside/secret.txt"),
        Err(Errno::Perm)
    );
    assert_eq!(layout.outside_names(), ["secret.txt"]);
}

#[test]
fn symlinks_made_by_the_host_cannot_lead_out() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    for path in [
        "abs_link/secret.txt",
        "rel_link/secret.txt",
        "sub/deep_link",
    ] {
        let result = read_file(&mut guest, path, true);
        assert!(result.is_err(), "{path} was read: {result:?}");
        assert_eq!(result, Err(Errno::Perm), "{path}");
    }
    // Without following, the final symlink itself is not opened.
    assert_eq!(
        read_file(&mut guest, "sub/deep_link", false),
        Err(Errno::Loop)
    );
    // A directory opened through a link out would be a way out too.
    assert!(guest
        .open(PREOPEN, "rel_link", oflags::DIRECTORY, READ, true)
        .is_err());
    assert!(guest
        .filetype(PREOPEN, "rel_link/secret.txt", true)
        .is_err());
    // Stat-ing the link itself is fine; following it is not.
    assert_eq!(
        guest.filetype(PREOPEN, "rel_link", false),
        Ok(filetype::SYMBOLIC_LINK)
    );
    assert!(guest.filetype(PREOPEN, "rel_link", true).is_err());
    assert_eq!(
        guest.path_call("path_create_directory", PREOPEN, "rel_link/made"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.open(PREOPEN, "abs_link/new.txt", oflags::CREAT, READ, true),
        Err(Errno::Perm)
    );
    assert_eq!(layout.outside_names(), ["secret.txt"]);
}

#[test]
fn symlinks_made_by_the_guest_cannot_lead_out() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    // A relative target may be stored, but following it out fails.
    guest.symlink("../outside", PREOPEN, "mine").unwrap();
    assert_eq!(
        read_file(&mut guest, "mine/secret.txt", true),
        Err(Errno::Perm)
    );
    guest
        .symlink("sub/../../outside/secret.txt", PREOPEN, "mine2")
        .unwrap();
    assert_eq!(read_file(&mut guest, "mine2", true), Err(Errno::Perm));
    // An absolute target is refused outright.
    let outside = layout.outside();
    assert_eq!(
        guest.symlink(outside.to_str().unwrap(), PREOPEN, "abs"),
        Err(Errno::Perm)
    );
    assert!(!layout.jail().join("abs").exists());
    // A link placed outside is refused too.
    assert_eq!(
        guest.symlink("file.txt", PREOPEN, "../outside/planted"),
        Err(Errno::Perm)
    );
    assert_eq!(layout.outside_names(), ["secret.txt"]);
}

#[test]
fn renames_and_links_cannot_cross_the_boundary() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    assert_eq!(
        guest.rename(PREOPEN, "file.txt", "../outside/stolen"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.rename(PREOPEN, "file.txt", "rel_link/stolen"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.rename(PREOPEN, "../outside/secret.txt", "got.txt"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.link(PREOPEN, "../outside/secret.txt", "got.txt"),
        Err(Errno::Perm)
    );
    assert_eq!(
        guest.link(PREOPEN, "file.txt", "abs_link/hard"),
        Err(Errno::Perm)
    );
    assert!(!layout.jail().join("got.txt").exists());
    assert_eq!(layout.outside_names(), ["secret.txt"]);
    // Inside, both work.
    guest.rename(PREOPEN, "file.txt", "sub/moved.txt").unwrap();
    guest.link(PREOPEN, "sub/moved.txt", "hard.txt").unwrap();
    assert_eq!(read_file(&mut guest, "hard.txt", true).unwrap(), b"inside");
}

#[test]
fn a_read_only_preopen_stays_read_only() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadOnly);
    let (base, inheriting) = guest.rights(PREOPEN).unwrap();
    assert_eq!(base & rights::PATH_CREATE_FILE, 0);
    assert_eq!(inheriting & rights::FD_WRITE, 0);

    // Reading works.
    assert_eq!(read_file(&mut guest, "file.txt", true).unwrap(), b"inside");
    // Creating, truncating and every other change do not.
    let write = rights::FD_WRITE | rights::FD_READ;
    assert_eq!(
        guest.open(PREOPEN, "new.txt", oflags::CREAT, write, true),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.open(PREOPEN, "file.txt", oflags::TRUNC, write, true),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.path_call("path_create_directory", PREOPEN, "d"),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.path_call("path_unlink_file", PREOPEN, "file.txt"),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.path_call("path_remove_directory", PREOPEN, "sub"),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.rename(PREOPEN, "file.txt", "renamed.txt"),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.link(PREOPEN, "file.txt", "hard.txt"),
        Err(Errno::NotCapable)
    );
    assert_eq!(
        guest.symlink("file.txt", PREOPEN, "link"),
        Err(Errno::NotCapable)
    );
    let [p, len] = guest.path_at(common::SCRATCH, "file.txt");
    assert_eq!(
        guest.call(
            "path_filestat_set_times",
            &[
                Val::I32(PREOPEN as i32),
                Val::I32(0),
                p,
                len,
                Val::I64(0),
                Val::I64(0),
                Val::I32(0b1010),
            ],
        ),
        Err(Errno::NotCapable)
    );

    // A file opened for writing gets no write right, so writes fail.
    let fd = guest.open(PREOPEN, "file.txt", 0, write, true).unwrap();
    let (base, _) = guest.rights(fd).unwrap();
    assert_eq!(base & rights::FD_WRITE, 0);
    assert_eq!(guest.write_fd(fd, b"overwritten"), Err(Errno::NotCapable));

    // A directory opened beneath is read-only too.
    let sub = guest
        .open(PREOPEN, "sub", oflags::DIRECTORY, u64::MAX, true)
        .unwrap();
    assert_eq!(
        guest.open(sub, "new.txt", oflags::CREAT, write, true),
        Err(Errno::NotCapable)
    );
    // Rights cannot be regained.
    assert_eq!(
        guest.call(
            "fd_fdstat_set_rights",
            &[
                Val::I32(PREOPEN as i32),
                Val::I64(rights::DIRECTORY as i64),
                Val::I64(rights::DIRECTORY_INHERITING as i64),
            ],
        ),
        Err(Errno::NotCapable)
    );

    let mut names: Vec<String> = std::fs::read_dir(layout.jail())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["abs_link", "file.txt", "ok_link", "rel_link", "sub"]
    );
    assert_eq!(
        std::fs::read(layout.jail().join("file.txt")).unwrap(),
        b"inside"
    );
}

#[test]
fn descriptors_that_are_not_directories_resolve_no_paths() {
    let layout = Layout::new();
    let mut guest = layout.guest(DirPerms::ReadWrite);
    let fd = guest.open(PREOPEN, "file.txt", 0, READ, true).unwrap();
    assert_eq!(read_file(&mut guest, "file.txt", true).unwrap(), b"inside");
    assert_eq!(guest.open(fd, "x", 0, READ, true), Err(Errno::NotDir));
    // Standard streams are not directories, and unknown descriptors are bad.
    assert_eq!(guest.open(1, "file.txt", 0, READ, true), Err(Errno::NotDir));
    assert_eq!(guest.open(99, "file.txt", 0, READ, true), Err(Errno::Badf));
}
