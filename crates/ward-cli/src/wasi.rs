//! The WASI options of `ward run`: preopened directories, environment variables and
//! sockets, and the guest's context built from them.

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use ward_wasi::{DirPerms, WasiCtx, WasiCtxBuilder};

/// A directory to preopen: `HOST[::GUEST]`.
#[derive(Debug, Clone)]
pub struct DirMapping {
    pub host: PathBuf,
    pub guest: String,
}

fn parse_dir(text: &str) -> Result<DirMapping, String> {
    let (host, guest) = match text.split_once("::") {
        Some((host, guest)) => (host, guest),
        None => (text, text),
    };
    if host.is_empty() || guest.is_empty() {
        return Err(format!(
            "invalid directory `{text}`: expected HOST or HOST::GUEST with non-empty paths"
        ));
    }
    Ok(DirMapping {
        host: PathBuf::from(host),
        guest: guest.to_owned(),
    })
}

/// An environment variable: `KEY=VALUE`, or `KEY` to pass on ward's own value.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub key: String,
    pub value: Option<String>,
}

fn parse_env(text: &str) -> Result<EnvVar, String> {
    let (key, value) = match text.split_once('=') {
        Some((key, value)) => (key, Some(value.to_owned())),
        None => (text, None),
    };
    if key.is_empty() {
        return Err(format!(
            "invalid environment variable `{text}`: expected KEY=VALUE or KEY"
        ));
    }
    Ok(EnvVar {
        key: key.to_owned(),
        value,
    })
}

/// WASI settings of `ward run`.
#[derive(Args, Debug)]
#[command(next_help_heading = "WASI options")]
pub struct WasiOptions {
    /// Give the program the host directory HOST, seen inside as GUEST (default: HOST as
    /// written). The program reaches nothing outside the directories given. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    dirs: Vec<DirMapping>,
    /// Like --dir, but the program may only read: it cannot create, change or delete
    /// anything in the directory. These come after the --dir directories. Repeatable.
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    read_only_dirs: Vec<DirMapping>,
    /// Set the environment variable KEY for the program; KEY alone passes on ward's own
    /// value, if it has one. The program sees no other variables. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    envs: Vec<EnvVar>,
    /// Listen on the TCP address ADDR (e.g. 127.0.0.1:8080) and give the listening socket
    /// to the program, after the directories, for `sock_accept`. Repeatable.
    #[arg(long = "tcplisten", value_name = "ADDR")]
    tcplisten: Vec<String>,
}

impl WasiOptions {
    /// The preopened directories, in descriptor order, with their permissions.
    pub fn preopens(&self) -> impl Iterator<Item = (&DirMapping, DirPerms)> {
        self.dirs
            .iter()
            .map(|d| (d, DirPerms::ReadWrite))
            .chain(self.read_only_dirs.iter().map(|d| (d, DirPerms::ReadOnly)))
    }

    /// The guest's context: `args` (the program name first), the environment variables
    /// and directories given, ward's standard streams, and the listening sockets.
    ///
    /// # Errors
    ///
    /// Fails when a directory cannot be opened or a socket cannot listen: the program
    /// does not start.
    pub fn build(&self, args: &[String]) -> anyhow::Result<WasiCtx> {
        let mut builder = WasiCtxBuilder::new();
        builder.args(args).inherit_stdio();
        for var in &self.envs {
            let value = match &var.value {
                Some(value) => Some(value.clone()),
                None => std::env::var(&var.key).ok(),
            };
            if let Some(value) = value {
                builder.env(&var.key, value);
            }
        }
        for (dir, perms) in self.preopens() {
            if !dir.host.is_dir() {
                if dir.host.exists() {
                    bail!(
                        "cannot give `{}` to the program: it is not a directory",
                        dir.host.display()
                    );
                }
                bail!(
                    "cannot give `{}` to the program: no such directory",
                    dir.host.display()
                );
            }
            builder.preopened_dir(&dir.host, &dir.guest, perms)?;
        }
        for addr in &self.tcplisten {
            let listener = TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on `{addr}` for the program"))?;
            builder.preopened_tcp_listener(listener);
        }
        Ok(builder.try_build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_dir, parse_env};

    #[test]
    fn dir_mappings() {
        let d = parse_dir("data").unwrap();
        assert_eq!(
            (d.host.to_str().unwrap(), d.guest.as_str()),
            ("data", "data")
        );
        let d = parse_dir("/tmp/x::/").unwrap();
        assert_eq!(
            (d.host.to_str().unwrap(), d.guest.as_str()),
            ("/tmp/x", "/")
        );
        assert!(parse_dir("::/").is_err());
        assert!(parse_dir("a::").is_err());
        assert!(parse_dir("").is_err());
    }

    #[test]
    fn env_vars() {
        let v = parse_env("A=b=c").unwrap();
        assert_eq!((v.key.as_str(), v.value.as_deref()), ("A", Some("b=c")));
        let v = parse_env("EMPTY=").unwrap();
        assert_eq!(v.value.as_deref(), Some(""));
        let v = parse_env("HOME").unwrap();
        assert_eq!((v.key.as_str(), v.value), ("HOME", None));
        assert!(parse_env("=x").is_err());
    }
}
