//! Text in, span tree out. No I/O, no knowledge of the threat-model format.
//!
//! - [`TextRange`]: byte ranges, the currency of every diagnostic and query.
//! - [`LineIndex`]: byte offsets to lines and columns in UTF-8, UTF-16 or code points, as
//!   editors (LSP's position encodings) and terminals need them.
//! - [`parse_yaml`]: a fault-tolerant YAML reader that keeps a range for every node, refuses
//!   duplicate keys, bounds alias expansion and nesting, and recovers after a syntax error.

mod build;
mod char_map;
mod line_index;
mod parse;
mod reparse;
mod scalar;
mod shift;
mod text_range;
mod tree;

pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use parse::{ParsedYaml, parse_yaml};
pub use reparse::{Splice, reparse};
pub use scalar::ScalarKind;
pub use shift::Shift;
pub use text_range::TextRange;
pub use tree::{Entry, Mapping, Node, Scalar, Sequence, Value};
