//! How request JSON is read, as the API reads it (docs/DESIGN.md, "Request JSON").
//!
//! The API parses bodies with sphere-json (commercetools/sphere-scala-libs): its derived
//! readers look up the declared fields only, so undeclared fields are ignored, and its errors
//! read `actions -> customerId: Invalid UUID: '62921'` — the member names from the outside in,
//! joined by ` -> ` (array positions are not part of the path), then the reader's message.
//! [`describe`] turns a serde error at a path into that text.
//!
//! Update actions are internally tagged objects (`{"action": "setKey", "key": "k"}`). serde's
//! derive for that form buffers the object before it knows the variant, and errors raised
//! while reading the buffer lose the path of the field, so the action enums derive the
//! externally tagged form as inherent functions (`#[serde(remote = "Self")]`) and
//! [`tagged_enum!`] reads the wire form into it: the fields after the tag are read straight
//! from the caller's deserializer (so paths and undeclared fields are seen there), fields
//! before the tag from a buffer (their errors still name the field).

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::Value;

/// The API's text for a serde error message `msg` about the value at `fields` (member
/// names from the outside in).
pub fn describe(fields: &[String], msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    let mut fields = fields.to_vec();
    let text = if let Some(f) = quoted(msg, "missing field `") {
        fields.push(f.to_string());
        "Missing required value".to_string()
    } else if let Some(f) = quoted(msg, "unknown field `") {
        fields.push(f.to_string());
        "Unknown field.".to_string()
    } else if let Some(v) = quoted(msg, "unknown variant `") {
        let allowed: Vec<String> = msg
            .split_once("expected")
            .map(|(_, rest)| rest.split('`').skip(1).step_by(2))
            .into_iter()
            .flatten()
            .map(|v| format!("'{v}'"))
            .collect();
        format!(
            "Invalid enum value: '{v}'. Expected one of: {}",
            allowed.join(",")
        )
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        type_text(rest).unwrap_or_else(|| msg.to_string())
    } else {
        msg.to_string()
    };
    if fields.is_empty() {
        text
    } else {
        format!("{}: {text}", fields.join(" -> "))
    }
}

/// The text between `prefix` (at the start of `msg`) and the next backtick.
fn quoted<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    msg.strip_prefix(prefix)?.split('`').next()
}

/// sphere-json's message for a value of the wrong JSON type (`rest`: serde's
/// "X, expected Y").
fn type_text(rest: &str) -> Option<String> {
    let (_, expected) = rest.rsplit_once(", expected ")?;
    let text = match expected {
        "a string" | "a borrowed string" | "string" => "JSON String expected.",
        "i64" | "u64" | "i128" | "u128" => "JSON Number in the range of a Long expected.",
        "i32" | "u32" | "i16" | "u16" | "i8" | "u8" | "usize" => {
            "JSON Number in the range of an Int expected."
        }
        "f64" | "f32" => "JSON Number in the range of a Double expected.",
        "a boolean" => "JSON Boolean expected",
        "a sequence" => "JSON Array expected.",
        e if e.starts_with("struct ") || e.contains("map") || e.contains("object") => {
            "JSON object expected."
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// The member names of a `serde_path_to_error` path (positions dropped).
pub fn member_names(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// An enum whose derived serde functions are the externally tagged form
/// (`#[serde(remote = "Self")]`); [`tagged_enum!`] implements it.
pub trait ExternallyTagged: Sized {
    /// The derived reader of `{"variant": {fields}}`.
    fn deserialize_external<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// The derived writer of `{"variant": {fields}}`.
    fn serialize_external<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// Implement `Deserialize` and `Serialize` of an enum with `#[serde(remote = "Self")]` as
/// the internally tagged form with member `$tag`.
#[macro_export]
macro_rules! tagged_enum {
    ($ty:ident, $tag:literal) => {
        impl $crate::wire::ExternallyTagged for $ty {
            fn deserialize_external<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $ty::deserialize(d)
            }
            fn serialize_external<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::wire::deserialize_tagged(d, $tag)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::wire::serialize_tagged(self, s, $tag)
            }
        }
    };
}

/// Read the internally tagged form of `T` (see the module docs).
pub fn deserialize_tagged<'de, D, T>(d: D, tag: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: ExternallyTagged,
{
    d.deserialize_map(TaggedVisitor {
        tag,
        marker: std::marker::PhantomData,
    })
}

/// Write `v` in the internally tagged form.
pub fn serialize_tagged<T, S>(v: &T, s: S, tag: &str) -> Result<S::Ok, S::Error>
where
    T: ExternallyTagged,
    S: Serializer,
{
    let external = v
        .serialize_external(serde_json::value::Serializer)
        .map_err(S::Error::custom)?;
    let mut out = serde_json::Map::new();
    match external {
        Value::String(name) => {
            out.insert(tag.to_string(), Value::String(name));
        }
        Value::Object(m) => {
            for (name, fields) in m {
                out.insert(tag.to_string(), Value::String(name));
                if let Value::Object(f) = fields {
                    out.extend(f);
                }
            }
        }
        other => return Err(S::Error::custom(format!("not a tagged value: {other}"))),
    }
    out.serialize(s)
}

struct TaggedVisitor<T> {
    tag: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<'de, T: ExternallyTagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a JSON object with the '{}' member", self.tag)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == self.tag {
                let name: String = map.next_value()?;
                let variant = Variant {
                    tag: self.tag,
                    name,
                    fields: Fields {
                        before: before.into_iter(),
                        pending: None,
                        rest: map,
                    },
                };
                return T::deserialize_external(variant);
            }
            let value: Value = map.next_value()?;
            before.push((key, value));
        }
        Err(de::Error::custom(format!(
            "Missing type field '{}'.",
            self.tag
        )))
    }
}

/// The variant named by the tag and the other members of the object.
struct Variant<A> {
    tag: &'static str,
    name: String,
    fields: Fields<A>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Variant<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> de::EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Fields<A>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Fields<A>), A::Error> {
        let name: de::value::StrDeserializer<'_, A::Error> = self.name.as_str().into_deserializer();
        let v = seed.deserialize(name).map_err(|_| {
            de::Error::custom(format!(
                "Invalid value '{}' for type field '{}'.",
                self.name, self.tag
            ))
        })?;
        Ok((v, self.fields))
    }
}

/// The members of a tagged object other than the tag: those read before it (buffered),
/// then the rest straight from the caller's map.
struct Fields<A> {
    before: std::vec::IntoIter<(String, Value)>,
    pending: Option<(String, Value)>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((k, v)) = self.before.next() {
            let key = seed.deserialize(k.as_str().into_deserializer())?;
            self.pending = Some((k, v));
            return Ok(Some(key));
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let Some((key, value)) = self.pending.take() else {
            return self.rest.next_value_seed(seed);
        };
        let mut track = serde_path_to_error::Track::new();
        seed.deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
            .map_err(|e| {
                let mut fields = vec![key];
                fields.extend(member_names(&track.path()));
                de::Error::custom(describe(&fields, &e.to_string()))
            })
    }
}

impl<'de, A: MapAccess<'de>> de::VariantAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.next_key::<String>()?.is_some() {
            self.next_value::<de::IgnoredAny>()?;
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("JSON object expected."))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
}

#[cfg(test)]
mod tests;
