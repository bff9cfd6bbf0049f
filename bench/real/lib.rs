//! Empty: this package exists only to pin and fetch C sources (see Cargo.toml).
