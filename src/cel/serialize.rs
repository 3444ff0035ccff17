//! Serialises any `Serialize` value straight into a CEL value.
//!
//! Preparation used to go struct → `serde_json::Value` → CEL value; the
//! intermediate tree (ordered maps, owned keys) was a third of preparation
//! time. Struct field names arrive as `&'static str` and become borrowed CEL
//! strings, so the keys of resource objects cost no allocation at all.
//! Objects become [`SharedMap`]s; integers become CEL `int`.

use super::shared_map::SharedMap;
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelNull, CelString};
use cel::common::value::Val;
use serde::ser::{self, Serialize};
use std::borrow::Cow;

/// Why a value could not be converted (only for shapes the model never has).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ToValError(String);

impl ser::Error for ToValError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ToValError(msg.to_string())
    }
}

/// Converts `value` into a CEL value.
pub fn to_val<T: Serialize + ?Sized>(value: &T) -> Result<Box<dyn Val>, ToValError> {
    value.serialize(ValSerializer)
}

/// The entries of an object: keys borrowed when they are field names.
pub type Entries = Vec<(Cow<'static, str>, Box<dyn Val>)>;

/// Converts a struct into the entries of a map, so that derived fields can
/// be added before the map is built.
pub fn to_entries<T: Serialize + ?Sized>(value: &T) -> Result<Entries, ToValError> {
    value.serialize(EntriesSerializer)
}

/// Builds a map from entries.
pub fn map_of(entries: Entries) -> Box<dyn Val> {
    Box::new(SharedMap::from_entries(entries))
}

struct ValSerializer;

fn int(v: i64) -> Result<Box<dyn Val>, ToValError> {
    Ok(Box::new(CelInt::from(v)))
}

impl ser::Serializer for ValSerializer {
    type Ok = Box<dyn Val>;
    type Error = ToValError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = SeqBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = MapBuilder;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelBool::from(v)))
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok, Self::Error> {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok, Self::Error> {
        int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok, Self::Error> {
        match i64::try_from(v) {
            Ok(i) => int(i),
            // Beyond i64: a double keeps comparisons working.
            Err(_) => Ok(Box::new(CelDouble::from(v as f64))),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelDouble::from(f64::from(v))))
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelDouble::from(v)))
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelString::from(v.to_string())))
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelString::from(v.to_string())))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelString::from(String::from_utf8_lossy(v).into_owned())))
    }
    fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelNull))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelNull))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelNull))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Self::Ok, Self::Error> {
        Ok(Box::new(CelString::from(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        Ok(map_of(vec![(Cow::Borrowed(variant), value.serialize(ValSerializer)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Self::Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, Self::Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Ok(MapBuilder {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, Self::Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        self.serialize_map(Some(len))
    }
}

struct SeqBuilder(Vec<Box<dyn Val>>);

impl SeqBuilder {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        self.0.push(value.serialize(ValSerializer)?);
        Ok(())
    }
    fn finish(self) -> Box<dyn Val> {
        Box::new(CelList::from(self.0))
    }
}

/// serde has four sequence traits; all of them just collect elements.
macro_rules! seq_builder {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for SeqBuilder {
            type Ok = Box<dyn Val>;
            type Error = ToValError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
                self.push(value)
            }
            fn end(self) -> Result<Box<dyn Val>, ToValError> {
                Ok(self.finish())
            }
        })*
    };
}

seq_builder!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

struct MapBuilder {
    entries: Entries,
    key: Option<Cow<'static, str>>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Box<dyn Val>;
    type Error = ToValError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ToValError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToValError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ToValError("a map value without a key".into()))?;
        self.entries.push((key, value.serialize(ValSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Box<dyn Val>, ToValError> {
        Ok(map_of(self.entries))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Box<dyn Val>;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ToValError> {
        self.entries.push((Cow::Borrowed(key), value.serialize(ValSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Box<dyn Val>, ToValError> {
        Ok(map_of(self.entries))
    }
}

impl ser::SerializeStructVariant for MapBuilder {
    type Ok = Box<dyn Val>;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ToValError> {
        self.entries.push((Cow::Borrowed(key), value.serialize(ValSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Box<dyn Val>, ToValError> {
        Ok(map_of(self.entries))
    }
}

/// Map keys: strings (and numbers or booleans, rendered as strings).
struct KeySerializer;

/// Key serializer methods that render a scalar as its text.
macro_rules! key_as_text {
    ($($name:ident($ty:ty)),*) => {
        $(fn $name(self, v: $ty) -> Result<Self::Ok, ToValError> {
            Ok(Cow::Owned(v.to_string()))
        })*
    };
}

/// Key serializer methods for shapes that cannot be map keys.
macro_rules! not_a_key {
    ($($name:ident($($arg:ty),*) -> $ret:ty),*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, ToValError> {
            Err(ToValError("map keys must be strings".into()))
        })*
    };
}

impl ser::Serializer for KeySerializer {
    type Ok = Cow<'static, str>;
    type Error = ToValError;
    type SerializeSeq = ser::Impossible<Self::Ok, ToValError>;
    type SerializeTuple = ser::Impossible<Self::Ok, ToValError>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, ToValError>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, ToValError>;
    type SerializeMap = ser::Impossible<Self::Ok, ToValError>;
    type SerializeStruct = ser::Impossible<Self::Ok, ToValError>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, ToValError>;

    key_as_text!(
        serialize_str(&str),
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char)
    );

    not_a_key!(
        serialize_bytes(&[u8]) -> Self::Ok,
        serialize_none() -> Self::Ok,
        serialize_unit() -> Self::Ok,
        serialize_unit_struct(&'static str) -> Self::Ok,
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant
    );

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, ToValError> {
        value.serialize(self)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Self::Ok, ToValError> {
        Ok(Cow::Borrowed(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, ToValError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, ToValError> {
        Err(ToValError("map keys must be strings".into()))
    }
}

/// Serialises a struct (or map) into its entries rather than a finished map.
struct EntriesSerializer;

struct EntriesBuilder(MapBuilder);

impl ser::SerializeStruct for EntriesBuilder {
    type Ok = Entries;
    type Error = ToValError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ToValError> {
        ser::SerializeStruct::serialize_field(&mut self.0, key, value)
    }
    fn end(self) -> Result<Entries, ToValError> {
        Ok(self.0.entries)
    }
}

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*) -> $ret:ty),*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, ToValError> {
            Err(ToValError("a resource must be a struct".into()))
        })*
    };
}

impl ser::Serializer for EntriesSerializer {
    type Ok = Entries;
    type Error = ToValError;
    type SerializeSeq = ser::Impossible<Entries, ToValError>;
    type SerializeTuple = ser::Impossible<Entries, ToValError>;
    type SerializeTupleStruct = ser::Impossible<Entries, ToValError>;
    type SerializeTupleVariant = ser::Impossible<Entries, ToValError>;
    type SerializeMap = ser::Impossible<Entries, ToValError>;
    type SerializeStruct = EntriesBuilder;
    type SerializeStructVariant = ser::Impossible<Entries, ToValError>;

    not_a_struct!(
        serialize_bool(bool) -> Entries,
        serialize_i8(i8) -> Entries,
        serialize_i16(i16) -> Entries,
        serialize_i32(i32) -> Entries,
        serialize_i64(i64) -> Entries,
        serialize_u8(u8) -> Entries,
        serialize_u16(u16) -> Entries,
        serialize_u32(u32) -> Entries,
        serialize_u64(u64) -> Entries,
        serialize_f32(f32) -> Entries,
        serialize_f64(f64) -> Entries,
        serialize_char(char) -> Entries,
        serialize_str(&str) -> Entries,
        serialize_bytes(&[u8]) -> Entries,
        serialize_none() -> Entries,
        serialize_unit() -> Entries,
        serialize_unit_struct(&'static str) -> Entries,
        serialize_unit_variant(&'static str, u32, &'static str) -> Entries,
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant
    );

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Entries, ToValError> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Entries, ToValError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Entries, ToValError> {
        Err(ToValError("a resource must be a struct".into()))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, ToValError> {
        Ok(EntriesBuilder(MapBuilder {
            entries: Vec::with_capacity(len + 8),
            key: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cel::json::json_to_val;

    #[test]
    fn a_struct_converts_like_its_json() {
        let sg = crate::snapshot::network::SecurityGroup {
            id: "sg-1".into(),
            ingress: vec![crate::snapshot::network::Permission {
                from_port: 22,
                to_port: 22,
                ..Default::default()
            }],
            ..Default::default()
        };
        let direct = to_val(&sg).expect("converts");
        let via_json = json_to_val(&serde_json::to_value(&sg).expect("json"));
        assert!(direct.equals(via_json.as_ref()));
    }
}
