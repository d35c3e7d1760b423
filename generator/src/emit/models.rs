//! Model types: structs, string enums with a catch-all, unions, newtypes.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::docs::{doc_attrs, text_attrs, value_doc_attrs};
use super::rust::{Ctx, ident};
use crate::ir::{Api, Docs, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union};

/// Indices of the types of one group (`None` for shared types), in
/// emission order (by name).
pub fn units(api: &Api, group: Option<usize>) -> Vec<usize> {
    let mut ids: Vec<usize> = (0..api.types.len())
        .filter(|&i| api.types[i].feature == group)
        .collect();
    ids.sort_by(|a, b| api.types[*a].name.cmp(&api.types[*b].name));
    ids
}

/// The items of one type.
pub fn render(ctx: &Ctx<'_>, unit: usize) -> TokenStream {
    model(ctx, &ctx.api.types[unit])
}

fn model(ctx: &Ctx<'_>, def: &TypeDef) -> TokenStream {
    let docs = doc_attrs(
        &def.docs,
        &format!("`{}` (from `{}`).", def.name, def.pointer),
    );
    let deprecated = deprecated(&def.docs);
    let body = match &def.kind {
        TypeKind::Struct(s) => structure(ctx, def, s),
        TypeKind::Enum(e) => string_enum(ctx, def, e),
        TypeKind::Union(u) => union(ctx, def, u),
        TypeKind::Newtype(inner) => newtype(ctx, def, inner),
    };
    let aliases = aliases(ctx, def);
    quote!(#docs #deprecated #body #aliases)
}

/// `pub type Alias = Name;` for each other name of the type (names its
/// uses had before identical inline types were merged), so code naming
/// them keeps compiling; variants and constructors work through an alias.
fn aliases(ctx: &Ctx<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let cfg = ctx.type_cfg(def);
    let items = def.aliases.iter().map(|alias| {
        let doc = format!("Same type as [`{}`].", def.name);
        let alias = ident(alias);
        quote! {
            #[doc = #doc]
            #cfg
            pub type #alias = #name;
        }
    });
    quote!(#(#items)*)
}

/// A transparent wrapper; one holding maps decodes in its wire form.
fn newtype(ctx: &Ctx<'_>, def: &TypeDef, inner: &TypeRef) -> TokenStream {
    let name = ident(&def.name);
    let ty = ctx.ty(inner);
    let cfg = ctx.type_cfg(def);
    let Some(wire) = ctx.wire(inner) else {
        return quote! {
            #cfg
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub #ty);
        };
    };
    let root = &ctx.root;
    quote! {
        #cfg
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(pub #ty);

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #root::de::wire::<#wire, D>(deserializer).map(Self)
            }
        }
    }
}

/// `From` the `chrono` types for the runtime's `Timestamp` (which has no
/// `chrono` of its own), when the API uses it: a date as `2024-01-31`, a
/// timestamp in RFC 3339 with `Z`.
pub fn timestamp_conversions(ctx: &Ctx<'_>) -> TokenStream {
    if !ctx.api.uses.timestamp {
        return TokenStream::new();
    }
    let root = &ctx.root;
    quote! {
        impl ::std::convert::From<::chrono::NaiveDate> for #root::Timestamp {
            fn from(date: ::chrono::NaiveDate) -> Self {
                ::std::convert::From::from(date.format("%Y-%m-%d").to_string())
            }
        }

        impl ::std::convert::From<::chrono::DateTime<::chrono::Utc>> for #root::Timestamp {
            fn from(time: ::chrono::DateTime<::chrono::Utc>) -> Self {
                ::std::convert::From::from(time.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true))
            }
        }
    }
}

fn deprecated(docs: &Docs) -> TokenStream {
    if docs.deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

fn structure(ctx: &Ctx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let all_optional = s.fields.iter().all(Field::optional);
    let default = if all_optional {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let fields = s.fields.iter().map(|f| field(ctx, f));
    let additional = s.additional.as_ref().map(|(fname, ty)| {
        let fname = ident(fname);
        let ty = ctx.ty(ty);
        quote! {
            /// Properties not listed in the schema.
            pub #fname: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let serialize = serialize(ctx, def, s);
    let deserialize = deserialize(ctx, def, s);
    let constructor = constructor(ctx, def, s);
    let (derive_debug, debug) = if s.fields.iter().any(|f| f.sensitive) {
        (TokenStream::new(), redacted_debug(ctx, def, s))
    } else {
        (quote!(Debug,), TokenStream::new())
    };
    // `#[non_exhaustive]` with `new(required..)` and setters: a field the
    // description adds later (optional) is no break for code outside the
    // crate, which can neither write struct literals nor destructure
    // exhaustively.
    let cfg = ctx.type_cfg(def);
    quote! {
        #cfg
        #[derive(#derive_debug Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #debug
        #serialize
        #deserialize
        #constructor
    }
}

/// `Debug` that prints `"<redacted>"` for the secrets (an absent optional
/// secret prints `None`, so whether it was sent still shows).
fn redacted_debug(ctx: &Ctx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let cfg = ctx.type_cfg(def);
    let type_name = &def.name;
    let fields = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let label = &f.name;
        let value = match (f.sensitive, f.optional()) {
            (false, _) => quote!(&self.#n),
            (true, false) => quote!(&"<redacted>"),
            (true, true) => quote!(&self.#n.as_ref().map(|_| "<redacted>")),
        };
        quote!(.field(#label, #value))
    });
    let additional = s.additional.as_ref().map(|(fname, _)| {
        let n = ident(fname);
        quote!(.field(#fname, &self.#n))
    });
    quote! {
        #cfg
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#fields)* #additional .finish()
            }
        }
    }
}

/// `Serialize` as one call per field on the runtime's `ser::Object` (see
/// its module for why not serde's derive): the fields in declaration order
/// under their wire names, an optional field left out when it is `None`
/// (a required nullable one is sent as `null`), then the additional
/// properties.
fn serialize(ctx: &Ctx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&def.name);
    let fields = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        if f.required {
            quote!(object.field(#wire, &self.#n);)
        } else {
            quote!(object.optional(#wire, &self.#n);)
        }
    });
    let others = s.additional.as_ref().map(|(fname, _)| {
        let fname = ident(fname);
        quote!(object.others(&self.#fname);)
    });
    let object = if s.fields.is_empty() && others.is_none() {
        quote!(let object = #root::ser::object(serializer);)
    } else {
        quote!(let mut object = #root::ser::object(serializer);)
    };
    let cfg = ctx.type_cfg(def);
    quote! {
        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #object
                #(#fields)*
                #others
                object.end()
            }
        }
    }
}

/// `Deserialize` through the runtime's `de::object` (see the runtime's `de`
/// module for why not serde's derive): the struct's name and its wire
/// names in the order the runtime's binary search expects, and a `Fill`
/// impl naming a slot type per field (how its value decodes) and building
/// the struct from the filled slots. Same rules as the derive: unknown keys
/// are skipped (or kept in the additional-properties map when their value
/// fits its type, else skipped too; maps in fields skip entries that do not
/// fit the same way), a missing `Option` field is `None`, a missing
/// required field is an error.
fn deserialize(ctx: &Ctx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&def.name);
    let type_name = &def.name;
    // Slot `f{i}` holds the field with the `i`th wire name in the order of
    // `de::table_order`: by length, then byte by byte.
    let mut order: Vec<usize> = (0..s.fields.len()).collect();
    order.sort_by_key(|&i| (s.fields[i].wire.len(), s.fields[i].wire.as_bytes()));
    let mut slot_of = vec![0; order.len()];
    for (slot, &field) in order.iter().enumerate() {
        slot_of[field] = slot;
    }
    let order: Vec<&Field> = order.iter().map(|&i| &s.fields[i]).collect();
    let wires = order.iter().map(|f| f.wire.as_str());
    let slot_types = nest_slots(order.iter().map(|f| slot_type(ctx, f)).collect());
    let slot_names = nest_slots(
        (0..order.len())
            .map(|slot| format_ident!("f{}", slot).to_token_stream())
            .collect(),
    );
    let inits = s.fields.iter().zip(&slot_of).map(|(f, &slot)| {
        let n = ident(&f.name);
        let slot = format_ident!("f{}", slot);
        let wire = &f.wire;
        let value = match (f.boxed, f.optional()) {
            (false, true) => quote!(#slot.0),
            (true, true) => quote!(#slot.0.map(::std::boxed::Box::new)),
            (false, false) => quote!(#slot.take(#wire)?),
            (true, false) => quote!(::std::boxed::Box::new(#slot.take(#wire)?)),
        };
        quote!(#n: #value,)
    });
    let (others_type, others_arg, others_init) = match &s.additional {
        Some((fname, ty)) => {
            let fname = ident(fname);
            let wire = ctx.wire_form(ty);
            (
                quote!(#root::de::Keep<#wire>),
                quote!(others),
                quote!(#fname: others.0,),
            )
        }
        None => (quote!(#root::de::Skip), quote!(_), TokenStream::new()),
    };
    let cfg = ctx.type_cfg(def);
    quote! {
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #root::de::object::<Self, D>(deserializer, #type_name, &[#(#wires),*])
            }
        }
        #cfg
        impl #root::de::Fill for #name {
            type Slots = #slot_types;
            type Others = #others_type;

            fn build(#slot_names: Self::Slots, #others_arg: Self::Others) -> ::std::result::Result<Self, &'static str> {
                ::std::result::Result::Ok(Self { #(#inits)* #others_init })
            }
        }
    }
}

/// The most slots one tuple holds: the runtime implements `de::Slots` for
/// tuples up to this length.
const SLOTS_PER_TUPLE: usize = 16;

/// Slot types (or the names bound to them) as the tuple `de::Slots` takes:
/// flat up to [`SLOTS_PER_TUPLE`], else grouped into tuples of that many,
/// level by level, so that any number of fields fits.
fn nest_slots(mut items: Vec<TokenStream>) -> TokenStream {
    while items.len() > SLOTS_PER_TUPLE {
        items = items
            .chunks(SLOTS_PER_TUPLE)
            .map(|chunk| quote!((#(#chunk,)*)))
            .collect();
    }
    quote!((#(#items,)*))
}

/// The runtime's slot type that decodes a field's value: a type holding
/// maps decodes in its wire form, which skips map entries that do not fit
/// (see the runtime's `de::Wire`); an `Option` field takes `null` as
/// `None`.
fn slot_type(ctx: &Ctx<'_>, f: &Field) -> TokenStream {
    let root = &ctx.root;
    match (ctx.wire(&f.ty), f.optional()) {
        (Some(wire), false) => quote!(#root::de::ReqWire<#wire>),
        (Some(wire), true) => quote!(#root::de::OptWire<#wire>),
        (None, false) => {
            let ty = ctx.ty(&f.ty);
            quote!(#root::de::Req<#ty>)
        }
        (None, true) => {
            let ty = ctx.ty(&f.ty);
            quote!(#root::de::Opt<#ty>)
        }
    }
}

fn field(ctx: &Ctx<'_>, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let ty = ctx.field_ty(&f.ty, f.boxed, f.optional());
    let docs = value_doc_attrs(&ctx.api.types, &f.docs, &f.ty, &f.constraints);
    let deprecated = deprecated(&f.docs);
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

/// `new(required..)` plus a chained setter per optional field. Every struct
/// has them, response types too: callers build values for their own tests
/// and mocks without struct literals, which `#[non_exhaustive]` forbids.
fn constructor(ctx: &Ctx<'_>, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.optional()).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.name);
        let (t, _) = ctx.arg(&f.ty, TokenStream::new());
        quote!(#n: #t)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        if f.optional() {
            quote!(#n: ::std::option::Option::None)
        } else {
            let (_, value) = ctx.arg(&f.ty, quote!(#n));
            if f.boxed {
                quote!(#n: ::std::boxed::Box::new(#value))
            } else {
                quote!(#n: #value)
            }
        }
    });
    let additional = s.additional.as_ref().map(|(fname, _)| {
        let fname = ident(fname);
        quote!(#fname: ::std::collections::BTreeMap::new(),)
    });
    let setters = s.fields.iter().filter(|f| f.optional()).map(|f| {
        let n = ident(&f.name);
        let setter = ident(&f.setter);
        let (t, value) = ctx.arg(&f.ty, quote!(value));
        let value = if f.boxed {
            quote!(::std::boxed::Box::new(#value))
        } else {
            value
        };
        let doc = text_attrs(&format!("Sets `{}`.", f.wire));
        quote! {
            #doc
            #[must_use]
            pub fn #setter(mut self, value: #t) -> Self {
                self.#n = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let new_doc = text_attrs(&format!("A `{}` with the required fields set.", def.name));
    let cfg = ctx.type_cfg(def);
    quote! {
        #cfg
        impl #name {
            #new_doc
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #additional }
            }
            #(#setters)*
        }
    }
}

fn string_enum(ctx: &Ctx<'_>, def: &TypeDef, e: &StringEnum) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&def.name);
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let n = ident(&v.name);
        let doc = text_attrs(&format!("`{}`", v.value));
        quote!(#doc #n,)
    });
    let pairs = e.variants.iter().map(|v| {
        let n = ident(&v.name);
        let value = &v.value;
        quote!(#n => #value)
    });
    let cfg = ctx.type_cfg(def);
    quote! {
        // A value the description adds later is no break for an exhaustive
        // `match` downstream; until then it decodes into the catch-all.
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; kept verbatim.
            #other(::std::string::String),
        }

        #cfg
        #root::macros::string_enum!(#name, #other, { #(#pairs),* });
    }
}

/// `From<Payload>` for each variant whose payload type no other variant
/// has (with two, which one a value means is not the type's to say, so
/// neither gets one). A variant holding the union itself gets none either:
/// that `From` is the standard library's.
fn union_from(ctx: &Ctx<'_>, def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let cfg = ctx.type_cfg(def);
    let payloads: Vec<TokenStream> = u.variants.iter().map(|v| ctx.ty(&v.ty)).collect();
    let keys: Vec<String> = payloads.iter().map(ToString::to_string).collect();
    let impls = u
        .variants
        .iter()
        .zip(&payloads)
        .zip(&keys)
        .filter(|((v, _), key)| {
            let itself = matches!(&v.ty, TypeRef::Named(id) if ctx.api.ty(*id).name == def.name);
            !itself && keys.iter().filter(|k| k == key).count() == 1
        })
        .map(|((v, t), _)| {
            let n = ident(&v.name);
            let wrap = if v.boxed {
                quote!(::std::boxed::Box::new(value))
            } else {
                quote!(value)
            };
            quote! {
                #cfg
                impl ::std::convert::From<#t> for #name {
                    fn from(value: #t) -> Self {
                        Self::#n(#wrap)
                    }
                }
            }
        });
    quote!(#(#impls)*)
}

fn union(ctx: &Ctx<'_>, def: &TypeDef, u: &Union) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&def.name);
    let other = ident(&u.other);
    let variants = u.variants.iter().map(|v| {
        let n = ident(&v.name);
        let t = ctx.field_ty(&v.ty, v.boxed, false);
        let doc = text_attrs(&format!("The `{}` alternative.", v.name));
        quote!(#doc #n(#t),)
    });
    let other_doc =
        text_attrs("Any other value; kept verbatim so unexpected data never fails to decode.");
    // Without a discriminator serde's untagged decoding tries the variants
    // in order; with one, the tag picks the variant (below). Untagged
    // alternatives decode strictly, maps too: a lenient map would take any
    // object and hide the alternatives after it, and a value no alternative
    // takes is kept in the catch-all, so it fails nothing either.
    let derive_deserialize = u
        .discriminator
        .is_none()
        .then(|| quote!(, ::serde::Deserialize));
    let cfg = ctx.type_cfg(def);
    let definition = quote! {
        #cfg
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize #derive_deserialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other_doc
            #other(::serde_json::Value),
        }
    };
    let conversions = union_from(ctx, def, u);
    let definition = quote!(#definition #conversions);
    let Some(tag) = &u.discriminator else {
        return definition;
    };
    let arms = u.variants.iter().map(|v| {
        let n = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed { quote!(|v| Self::#n(::std::boxed::Box::new(v))) } else { quote!(Self::#n) };
        let decode = match ctx.wire(&v.ty) {
            Some(wire) => quote!(#root::de::wire::<#wire, _>(value)),
            None => quote!(::serde_json::from_value(value)),
        };
        quote! {
            ::std::option::Option::Some(#(#tags)|*) => #decode.map(#wrap).map_err(::serde::de::Error::custom),
        }
    });
    quote! {
        #definition

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#other(value)),
                }
            }
        }
    }
}
