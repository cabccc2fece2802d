//! Rebuilds the crate when a migration is added or changed: `embed_migrations!` reads the migration
//! folders at compile time, and cargo would not otherwise know the binary depends on them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
