//! What kind of OpenAPI object sits at each place of a document.
//!
//! One table of the object model serves every walk over the JSON tree:
//! bundling (which `components` section an external `$ref` is hoisted into),
//! 3.1 normalisation (where schemas are), and validation (whether a `$ref`
//! points at the kind of object its place expects, which places hold free
//! data whose `$ref`s mean nothing).

use crate::diagnostics::unescape_token;

/// The kind of node at a place in an OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The document root.
    Root,
    /// `info`.
    Info,
    /// `paths`.
    Paths,
    /// A path item (in `paths`, `webhooks`, callbacks, `components/pathItems`).
    PathItem,
    /// A map of path items (`webhooks`, `components/pathItems`).
    PathItemMap,
    /// An operation.
    Operation,
    /// A list of parameters.
    ParameterList,
    /// A parameter.
    Parameter,
    /// A map of parameters (`components/parameters`).
    ParameterMap,
    /// A request body.
    RequestBody,
    /// A map of request bodies (`components/requestBodies`).
    RequestBodyMap,
    /// An operation's `responses`.
    Responses,
    /// A response.
    Response,
    /// A map of responses (`components/responses`).
    ResponseMap,
    /// A `content` map of media types.
    ContentMap,
    /// A media type object.
    MediaType,
    /// An `encoding` map.
    EncodingMap,
    /// An encoding object.
    Encoding,
    /// A schema.
    Schema,
    /// A map of schemas (`properties`, `components/schemas`, `$defs`).
    SchemaMap,
    /// A list of schemas (`allOf`, `anyOf`, `oneOf`, `prefixItems`).
    SchemaList,
    /// A header.
    Header,
    /// A map of headers.
    HeaderMap,
    /// An example object.
    Example,
    /// A map of examples.
    ExampleMap,
    /// A link.
    Link,
    /// A map of links.
    LinkMap,
    /// A callback (a map of path items).
    Callback,
    /// A map of callbacks.
    CallbackMap,
    /// A security scheme.
    SecurityScheme,
    /// A map of security schemes.
    SecuritySchemeMap,
    /// `components`.
    Components,
    /// The `tags` list.
    TagList,
    /// A tag.
    Tag,
    /// `externalDocs`.
    ExternalDocs,
    /// A `servers` list.
    ServerList,
    /// A server.
    Server,
    /// A place that holds a string (descriptions, summaries, titles).
    Text,
    /// Free-form data (examples, defaults, enums, extensions, security
    /// requirements): a `$ref` here is data, not a reference.
    Data,
}

impl Kind {
    /// The `components` section objects of this kind are kept in.
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem => "pathItems",
            _ => return None,
        })
    }

    /// How diagnostics name objects of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "a schema",
            Kind::Parameter => "a parameter",
            Kind::RequestBody => "a request body",
            Kind::Response => "a response",
            Kind::Header => "a header",
            Kind::Example => "an example",
            Kind::Link => "a link",
            Kind::Callback => "a callback",
            Kind::SecurityScheme => "a security scheme",
            Kind::PathItem => "a path item",
            Kind::Text => "a string",
            Kind::Root => "the document root",
            Kind::Operation => "an operation",
            _ => "another kind of object",
        }
    }

    /// Whether a `$ref` may stand in for an object of this kind.
    pub fn referable(self) -> bool {
        self.section().is_some() || self == Kind::Text
    }

    /// The kind of the value under `key` of a node of this kind.
    pub fn child(self, key: &str) -> Kind {
        use Kind::*;
        let extension = key.starts_with("x-");
        match self {
            Root => match key {
                "info" => Info,
                "servers" => ServerList,
                "paths" => Paths,
                "webhooks" => PathItemMap,
                "components" => Components,
                "tags" => TagList,
                "externalDocs" => ExternalDocs,
                _ => Data,
            },
            Info => match key {
                "title" | "description" | "termsOfService" | "summary" | "version" => Text,
                _ => Data,
            },
            Paths => {
                if extension {
                    Data
                } else {
                    PathItem
                }
            }
            PathItem => match key {
                "summary" | "description" => Text,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                    Operation
                }
                "parameters" => ParameterList,
                "servers" => ServerList,
                _ => Data,
            },
            PathItemMap => PathItem,
            Callback => {
                if extension {
                    Data
                } else {
                    PathItem
                }
            }
            Operation => match key {
                "summary" | "description" | "operationId" => Text,
                "externalDocs" => ExternalDocs,
                "parameters" => ParameterList,
                "requestBody" => RequestBody,
                "responses" => Responses,
                "callbacks" => CallbackMap,
                "servers" => ServerList,
                _ => Data,
            },
            ParameterList => Parameter,
            ParameterMap => Parameter,
            Parameter | Header => match key {
                "description" => Text,
                "schema" => Schema,
                "content" => ContentMap,
                "examples" => ExampleMap,
                _ => Data,
            },
            RequestBody => match key {
                "description" => Text,
                "content" => ContentMap,
                _ => Data,
            },
            RequestBodyMap => RequestBody,
            Responses => {
                if extension {
                    Data
                } else {
                    Response
                }
            }
            ResponseMap => Response,
            Response => match key {
                "description" => Text,
                "headers" => HeaderMap,
                "content" => ContentMap,
                "links" => LinkMap,
                _ => Data,
            },
            ContentMap => MediaType,
            MediaType => match key {
                "schema" => Schema,
                "examples" => ExampleMap,
                "encoding" => EncodingMap,
                _ => Data,
            },
            EncodingMap => Encoding,
            Encoding => match key {
                "headers" => HeaderMap,
                _ => Data,
            },
            HeaderMap => Header,
            ExampleMap => Example,
            Example => match key {
                "summary" | "description" => Text,
                _ => Data,
            },
            LinkMap => Link,
            Link => match key {
                "description" => Text,
                _ => Data,
            },
            CallbackMap => Callback,
            SecuritySchemeMap => SecurityScheme,
            SecurityScheme => match key {
                "description" => Text,
                _ => Data,
            },
            Components => match key {
                "schemas" => SchemaMap,
                "responses" => ResponseMap,
                "parameters" => ParameterMap,
                "examples" => ExampleMap,
                "requestBodies" => RequestBodyMap,
                "headers" => HeaderMap,
                "securitySchemes" => SecuritySchemeMap,
                "links" => LinkMap,
                "callbacks" => CallbackMap,
                "pathItems" => PathItemMap,
                _ => Data,
            },
            TagList => Tag,
            Tag => match key {
                "description" => Text,
                "externalDocs" => ExternalDocs,
                _ => Data,
            },
            ExternalDocs => match key {
                "description" => Text,
                _ => Data,
            },
            ServerList => Server,
            Server => match key {
                "description" => Text,
                _ => Data,
            },
            Schema => schema_child(key),
            SchemaMap => Schema,
            SchemaList => Schema,
            Text | Data => Data,
        }
    }

    /// The kind of the node at `pointer` (`#/components/schemas/A`) in an
    /// OpenAPI document, walking from the root.
    pub fn at(pointer: &str) -> Option<Kind> {
        let rest = pointer.strip_prefix('#')?;
        let mut kind = Kind::Root;
        for token in rest.split('/').skip(1) {
            kind = kind.child(&unescape_token(token));
        }
        Some(kind)
    }
}

fn schema_child(key: &str) -> Kind {
    match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
            Kind::SchemaMap
        }
        "items"
        | "additionalProperties"
        | "not"
        | "contains"
        | "propertyNames"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "additionalItems"
        | "if"
        | "then"
        | "else" => Kind::Schema,
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Kind::SchemaList,
        "description" | "title" => Kind::Text,
        "externalDocs" => Kind::ExternalDocs,
        _ => Kind::Data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_object_model() {
        assert_eq!(Kind::at("#/components/schemas/A"), Some(Kind::Schema));
        assert_eq!(
            Kind::at("#/components/schemas/A/properties/description"),
            Some(Kind::Schema)
        );
        assert_eq!(
            Kind::at("#/components/schemas/A/description"),
            Some(Kind::Text)
        );
        assert_eq!(
            Kind::at("#/paths/~1a/get/parameters/0"),
            Some(Kind::Parameter)
        );
        assert_eq!(
            Kind::at("#/paths/~1a/get/responses/200/content/application~1json/schema/items"),
            Some(Kind::Schema)
        );
        assert_eq!(Kind::at("#/paths/~1a/get/tags/0"), Some(Kind::Data));
        assert_eq!(
            Kind::at("#/components/schemas/A/example/x"),
            Some(Kind::Data)
        );
        assert_eq!(Kind::at("#/components/parameters/p"), Some(Kind::Parameter));
        assert_eq!(Kind::at("#/webhooks/w/post"), Some(Kind::Operation));
        assert_eq!(Kind::at("x"), None);
    }

    #[test]
    fn sections() {
        assert_eq!(Kind::Schema.section(), Some("schemas"));
        assert_eq!(Kind::RequestBody.section(), Some("requestBodies"));
        assert_eq!(Kind::Operation.section(), None);
        assert!(Kind::Text.referable());
    }
}
