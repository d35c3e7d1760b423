//! The Rust face of one side of the comparison: types as the generated
//! code spells them (shortened to their last path segment), feature names
//! and call paths.

use std::collections::BTreeMap;

use crate::ir::{
    Api, Body, BodyMedia, Field, FloatKind, IntKind, Operation, ResponseKind, TypeRef,
};

/// One model, with the type renames that map its names onto the other
/// side's (only the previous side has any).
pub struct Side<'a> {
    /// The model.
    pub api: &'a Api,
    /// Previous type name to current type name, for renamed types.
    renames: BTreeMap<String, String>,
}

impl<'a> Side<'a> {
    pub fn new(api: &'a Api, renames: BTreeMap<String, String>) -> Self {
        Self { api, renames }
    }

    /// The name a named type is compared by: its current name when it was
    /// renamed, so a rename is reported once and not at every use.
    pub fn type_name(&self, name: &str) -> String {
        self.renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    /// A use-site type, e.g. `Vec<AccountType>`.
    pub fn ty(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.type_name(&self.api.ty(*id).name),
            TypeRef::String => "String".into(),
            TypeRef::Bool => "bool".into(),
            TypeRef::Int(IntKind::I32) => "i32".into(),
            TypeRef::Int(IntKind::I64) => "i64".into(),
            TypeRef::Int(IntKind::U32) => "u32".into(),
            TypeRef::Int(IntKind::U64) => "u64".into(),
            TypeRef::Float(FloatKind::F32) => "f32".into(),
            TypeRef::Float(FloatKind::F64) => "f64".into(),
            TypeRef::Date => "NaiveDate".into(),
            TypeRef::DateTime => "DateTime<Utc>".into(),
            TypeRef::DateOrDateTime => "Timestamp".into(),
            TypeRef::Secret => "Secret".into(),
            TypeRef::Bytes => "Vec<u8>".into(),
            TypeRef::Json => "Value".into(),
            TypeRef::JsonObject => "Map<String, Value>".into(),
            TypeRef::Array(inner) => format!("Vec<{}>", self.ty(inner)),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", self.ty(inner)),
            TypeRef::Unit => "()".into(),
        }
    }

    /// A type wrapped in `Box` and `Option` as a field or argument holds it.
    pub fn wrapped(&self, ty: &TypeRef, boxed: bool, optional: bool) -> String {
        let mut t = self.ty(ty);
        if boxed {
            t = format!("Box<{t}>");
        }
        if optional {
            t = format!("Option<{t}>");
        }
        t
    }

    /// The declared type of a struct field.
    pub fn field(&self, f: &Field) -> String {
        self.wrapped(&f.ty, f.boxed, f.optional())
    }

    /// The Rust type of a request body.
    pub fn body(&self, b: &Body) -> String {
        match b.media {
            BodyMedia::Multipart => "Multipart".into(),
            _ => self.ty(&b.ty),
        }
    }

    /// The name of an item's feature (`None` when shared or not gated).
    pub fn feature(&self, feature: Option<usize>) -> Option<&'a str> {
        if !self.api.gated {
            return None;
        }
        feature.map(|f| self.api.features[f].name.as_str())
    }

    /// The call downstream code writes: `client.accounts().members().list`.
    pub fn call(&self, op: &Operation) -> String {
        let mut text = self.resource_call(op.resource);
        text.push('.');
        text.push_str(&op.fn_name);
        text
    }

    /// The accessor chain of a resource: `client.accounts().members()`.
    pub fn resource_call(&self, resource: usize) -> String {
        let mut text = String::from("client");
        for accessor in self.api.accessors(resource) {
            text.push_str(&format!(".{accessor}()"));
        }
        text
    }

    /// The arguments of an operation's method, as types (`&str` for string
    /// path parameters, as emitted).
    pub fn arguments(&self, op: &Operation) -> Vec<String> {
        let mut args: Vec<String> = op
            .path_params
            .iter()
            .map(|p| match p.ty {
                TypeRef::String => "&str".to_owned(),
                _ => self.ty(&p.ty),
            })
            .collect();
        if let Some(p) = &op.params {
            args.push(p.name.clone());
        } else if let Some(b) = &op.body {
            let t = self.body(b);
            args.push(if b.required {
                t
            } else {
                format!("Option<{t}>")
            });
        }
        args
    }

    /// The method's full signature: `fn list(&str, AccountsListParams) ->
    /// Request<Vec<Account>, ResultInfo>`.
    pub fn signature(&self, op: &Operation) -> String {
        format!(
            "fn {}({}) -> {}",
            op.fn_name,
            self.arguments(op).join(", "),
            self.returns(op)
        )
    }

    /// The request type an operation's method returns.
    pub fn returns(&self, op: &Operation) -> String {
        let r = &op.response;
        let result = match r.kind {
            ResponseKind::Empty => "()".to_owned(),
            _ if r.nullable => format!("Option<{}>", self.ty(&r.ty)),
            _ => self.ty(&r.ty),
        };
        format!("Request<{result}, {}>", self.ty(&r.info))
    }
}
