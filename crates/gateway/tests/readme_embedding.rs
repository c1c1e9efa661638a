//! The README's embedding snippet is the Absorb example verbatim, so the code a reader copies
//! is the code `.ci/run` compiles and runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn readme_embedding_snippet_is_the_absorb_example_verbatim() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../absorb-v2/examples/embed.rs");
    let section = readme
        .split("## Embedding one facade")
        .nth(1)
        .expect("README has an \"Embedding one facade\" section");
    let start = section.find("```rust\n").expect("a rust block") + "```rust\n".len();
    let end = start + section[start..].find("```").expect("the block ends");
    assert_eq!(&section[start..end], example);
}
