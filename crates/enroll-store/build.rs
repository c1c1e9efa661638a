// embed_migrations! cannot see new migration files by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
