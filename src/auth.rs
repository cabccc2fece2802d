//! Who may write: API tokens and their roles. Pure: token generation, hashing and role rules; the
//! tokens' hashes are kept by `db::tokens`, and the HTTP layer checks them (`web::auth`).
//!
//! A token is `gcm_` and 64 hex digits (256 random bits). Only its SHA-256 is stored: a fast hash is
//! enough for a secret of that strength, and it lets a request be checked with one indexed lookup.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// What a token may do. Reading is public unless `auth.read_requires_token` is set; then any role reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Ingests documents and accepts or rejects mappings.
    Editor,
    /// Everything an editor does, and reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether a token of this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// Prefix of every token, so a leaked one is recognisable (and greppable) as a gcm token.
pub const TOKEN_PREFIX: &str = "gcm_";

/// A new random token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token of an `Authorization` header value (`Bearer <token>`, scheme case-insensitive).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Token names: 1-64 letters, digits, `.`, `-`, `_` or `@`, so they print cleanly in lists and logs.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_@".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with("gcm_") && a.len() == 4 + 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bearer_headers_and_roles() {
        assert_eq!(bearer("Bearer gcm_x"), Some("gcm_x"));
        assert_eq!(bearer("bearer   gcm_x "), Some("gcm_x"));
        assert_eq!(bearer("Basic dXNlcg=="), None);
        assert_eq!(bearer("Bearer "), None);
        assert!(Role::Admin.allows(Role::Editor));
        assert!(!Role::Editor.allows(Role::Admin));
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
        assert!(valid_name("preparer@eclac"));
        assert!(!valid_name("two words"));
        assert!(!valid_name(""));
    }
}
