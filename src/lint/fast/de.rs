//! A serde `Deserializer` over the subset parser's nodes. Scalars are typed
//! conservatively: anything the full parser might read differently (floats,
//! `0x…`, YAML 1.1 booleans like `yes`, null spelled `Null`, an empty value
//! where text is expected) is an error here, which only means "take the full
//! parser".

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};

use super::parse::is_yaml11_boolean;
use super::parse::{Entry, Node, Tree};

#[derive(Debug)]
pub struct Bail;

impl std::fmt::Display for Bail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("outside the fast path")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Bail
    }
}

/// What a plain scalar is.
enum Plain<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Text(&'a str),
}

fn classify(text: &str) -> Result<Plain<'_>, Bail> {
    match text {
        "" | "~" | "null" => return Ok(Plain::Null),
        "true" => return Ok(Plain::Bool(true)),
        "false" => return Ok(Plain::Bool(false)),
        _ => {}
    }
    // YAML 1.1 booleans unquoted: the full parser's lint warns about them,
    // at positions this path does not have (see `validate::quoted`).
    if is_yaml11_boolean(text) || text.eq_ignore_ascii_case("null") {
        return Err(Bail);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // `007` is octal to some parsers and decimal to others.
        if digits.len() > 1 && digits.starts_with('0') {
            return Err(Bail);
        }
        return text.parse().map(Plain::Int).map_err(|_| Bail);
    }
    // Floats, infinities, hex, octal, binary (`1e3`, `.inf`, `0x1F`, `+1`): the
    // full parser decides. `30m` and `1.0.0` are text.
    let prefix = text.get(..2).unwrap_or_default();
    if text.starts_with(['.', '+'])
        || prefix.eq_ignore_ascii_case("0x")
        || prefix.eq_ignore_ascii_case("0o")
        || prefix.eq_ignore_ascii_case("0b")
        || (could_be_float(text) && text.parse::<f64>().is_ok())
    {
        return Err(Bail);
    }
    Ok(Plain::Text(text))
}

/// Whether `text` starts the way Rust's float syntax does (a digit or `.`
/// after an optional sign, or `inf`/`nan`): most text is words, and this
/// spares them the float parser.
fn could_be_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let start = unsigned.get(..3).unwrap_or_default();
    unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || start.eq_ignore_ascii_case("inf")
        || start.eq_ignore_ascii_case("nan")
}

/// One node of a parsed tree, to deserialize from.
pub struct NodeDeserializer<'n, 'a> {
    pub tree: &'n Tree<'a>,
    pub node: &'n Node<'a>,
}

impl<'n, 'a> NodeDeserializer<'n, 'a> {
    fn seq(&self, range: &std::ops::Range<usize>) -> Seq<'n, 'a> {
        Seq {
            tree: self.tree,
            items: self.tree.items(range).iter(),
        }
    }

    fn map(&self, range: &std::ops::Range<usize>) -> Map<'n, 'a> {
        Map {
            tree: self.tree,
            entries: self.tree.entries(range).iter(),
            value: None,
        }
    }

    /// The node as text: a quoted or block scalar, or plain text that no
    /// parser would read as anything else.
    fn text(&self) -> Result<&'n str, Bail> {
        match self.node {
            Node::Scalar { text, plain: false } => Ok(text),
            Node::Scalar { text, plain: true } => match classify(text)? {
                Plain::Text(_) => Ok(text),
                _ => Err(Bail),
            },
            _ => Err(Bail),
        }
    }

    fn int(&self) -> Result<i64, Bail> {
        match self.node {
            Node::Scalar { text, plain: true } => match classify(text)? {
                Plain::Int(n) => Ok(n),
                _ => Err(Bail),
            },
            _ => Err(Bail),
        }
    }
}

macro_rules! ints {
    ($($method:ident => $visit:ident as $ty:ty;)+) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
            let n = <$ty>::try_from(self.int()?).map_err(|_| Bail)?;
            visitor.$visit(n)
        }
    )+};
}

impl<'de, 'n, 'a> de::Deserializer<'de> for NodeDeserializer<'n, 'a> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Scalar { text, plain: false } => visitor.visit_str(text),
            Node::Scalar { text, plain: true } => match classify(text)? {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Int(n) if n >= 0 => visitor.visit_u64(n as u64),
                Plain::Int(n) => visitor.visit_i64(n),
                Plain::Text(t) => visitor.visit_str(t),
            },
            Node::Seq(range) => visitor.visit_seq(self.seq(range)),
            Node::Map(range) => visitor.visit_map(self.map(range)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Scalar { text, plain: true } => match classify(text)? {
                Plain::Bool(b) => visitor.visit_bool(b),
                _ => Err(Bail),
            },
            _ => Err(Bail),
        }
    }

    ints! {
        deserialize_i8 => visit_i8 as i8;
        deserialize_i16 => visit_i16 as i16;
        deserialize_i32 => visit_i32 as i32;
        deserialize_i64 => visit_i64 as i64;
        deserialize_u8 => visit_u8 as u8;
        deserialize_u16 => visit_u16 as u16;
        deserialize_u32 => visit_u32 as u32;
        deserialize_u64 => visit_u64 as u64;
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Scalar { text, plain: true } if matches!(classify(text)?, Plain::Null) => {
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Scalar { text, plain: true } if matches!(classify(text)?, Plain::Null) => {
                visitor.visit_unit()
            }
            _ => Err(Bail),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        // Including serde-saphyr's `Spanned`: it falls back to the plain value
        // with an unknown position, which is all a clean file needs.
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Seq(range) => visitor.visit_seq(self.seq(range)),
            _ => Err(Bail),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.node {
            Node::Map(range) => visitor.visit_map(self.map(range)),
            _ => Err(Bail),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        match self.node {
            Node::Scalar { .. } => visitor.visit_enum(StrDeserializer::<Bail>::new(self.text()?)),
            Node::Map(range) if range.len() == 1 => visitor.visit_enum(Variant {
                tree: self.tree,
                entry: &self.tree.entries(range)[0],
            }),
            _ => Err(Bail),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        f32 f64 char bytes byte_buf unit_struct tuple tuple_struct i128 u128
    }
}

struct Seq<'n, 'a> {
    tree: &'n Tree<'a>,
    items: std::slice::Iter<'n, Node<'a>>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        let tree = self.tree;
        self.items
            .next()
            .map(|node| seed.deserialize(NodeDeserializer { tree, node }))
            .transpose()
    }
}

struct Map<'n, 'a> {
    tree: &'n Tree<'a>,
    entries: std::slice::Iter<'n, Entry<'a>>,
    value: Option<&'n Node<'a>>,
}

impl<'de> de::MapAccess<'de> for Map<'_, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(StrDeserializer::<Bail>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        let node = self.value.take().ok_or(Bail)?;
        seed.deserialize(NodeDeserializer {
            tree: self.tree,
            node,
        })
    }
}

/// `{variant: value}`: a newtype or struct variant.
struct Variant<'n, 'a> {
    tree: &'n Tree<'a>,
    entry: &'n Entry<'a>,
}

impl<'de, 'n, 'a> de::EnumAccess<'de> for Variant<'n, 'a> {
    type Error = Bail;
    type Variant = NodeDeserializer<'n, 'a>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Bail> {
        let (key, node) = self.entry;
        let tag = seed.deserialize(StrDeserializer::<Bail>::new(key))?;
        Ok((
            tag,
            NodeDeserializer {
                tree: self.tree,
                node,
            },
        ))
    }
}

impl<'de> de::VariantAccess<'de> for NodeDeserializer<'_, '_> {
    type Error = Bail;

    fn unit_variant(self) -> Result<(), Bail> {
        Err(Bail)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Bail> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
