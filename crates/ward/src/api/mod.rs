//! The embedding API.

pub(crate) mod artifact;
pub(crate) mod externals;
pub(crate) mod func;
pub(crate) mod instance;
pub(crate) mod linker;
pub(crate) mod module;
pub(crate) mod store;
pub(crate) mod values;
