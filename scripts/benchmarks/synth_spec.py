#!/usr/bin/env python3
"""Writes a large, deterministic, synthetic OpenAPI 3.0.3 description.

usage: synth_spec.py [--seed N] [--operations N] [--schemas N] [--groups N] OUT.json

The shapes are those of a real REST API: resources with list / create /
get / update / delete operations under a parent path parameter, list
operations with page, filter, enum and date-time query parameters, JSON
request bodies, and one error response shared by every operation. Each
resource's model refers to supporting schemas (nested objects, string
enums, arrays of objects, string maps), so every schema is reachable and
the graph is acyclic. Every operation has one success type and one error
type and an operationId, so both our generator and progenitor accept the
whole document. The same arguments always give byte-identical output.

Resources sit under `/accounts/{account_id}/` by default; `--groups N`
spreads them round-robin over N top-level path segments (`/accounts`,
`/zones`, ...), which the generator turns into N cargo features.
"""

import argparse
import json
import random

ADJECTIVES = [
    "Active", "Billing", "Custom", "Default", "Edge", "Global", "Hosted", "Inline", "Legacy",
    "Managed", "Network", "Origin", "Primary", "Regional", "Secure", "Shared", "Static", "Tiered",
    "Virtual", "Zonal",
]
NOUNS = [
    "Account", "Alert", "Bucket", "Certificate", "Domain", "Endpoint", "Filter", "Gateway", "Hostname",
    "Key", "Listener", "Member", "Monitor", "Policy", "Pool", "Record", "Route", "Rule", "Script",
    "Session", "Tunnel", "Worker",
]
FIELDS = [
    "name", "description", "status", "created_on", "modified_on", "enabled", "priority", "weight",
    "comment", "tags", "region", "owner", "label", "ttl", "mode", "kind", "origin", "target",
    "threshold", "interval", "timeout", "retries", "path", "host", "port", "version", "notes",
    "expires_on", "email", "quota",
]
GROUPS = [
    "accounts", "zones", "users", "organizations", "certificates", "radar", "workers", "pages",
    "storage", "stream", "images", "registrar", "memberships", "tunnels", "gateways", "analytics",
]
ENUM_WORDS = [
    "active", "pending", "disabled", "deleted", "allow", "block", "challenge", "log", "low",
    "medium", "high", "critical", "read", "write", "admin", "none", "auto", "manual", "on", "off",
]


def primitive(rng):
    """A property schema of a scalar type."""
    choice = rng.randrange(10)
    if choice < 4:
        s = {"type": "string", "maxLength": rng.choice([32, 64, 255, 1024])}
    elif choice == 4:
        s = {"type": "string", "format": "date-time"}
    elif choice == 5:
        s = {"type": "integer", "format": rng.choice(["int32", "int64"]), "minimum": 0}
    elif choice == 6:
        s = {"type": "number", "format": "double"}
    elif choice == 7:
        s = {"type": "boolean"}
    elif choice == 8:
        s = {"type": "array", "items": {"type": "string"}}
    else:
        s = {"type": "object", "additionalProperties": {"type": "string"}}
    return s


class Spec:
    def __init__(self, seed, operations, schemas, groups=1):
        assert 1 <= groups <= len(GROUPS), f"at most {len(GROUPS)} groups"
        self.groups = groups
        self.rng = random.Random(seed)
        self.resources = max(1, operations // 5)
        self.operations = operations
        self.schemas = {}
        # Four schemas per resource (model, input, single and list
        # response), the rest supporting schemas spread over resources.
        self.supporting = max(0, schemas - 4 * self.resources - 3)

    def name(self, i):
        rng = random.Random(i * 7919 + 17)
        return f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}{i}"

    def add(self, name, schema):
        assert name not in self.schemas, name
        self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def supporting_schema(self, i, earlier):
        """A nested object, a string enum or a list wrapper, referring only
        to earlier supporting schemas (so the graph is acyclic)."""
        rng = self.rng
        name = self.name(i)
        kind = rng.randrange(10)
        if kind < 3:
            values = rng.sample(ENUM_WORDS, rng.randint(2, 8))
            return self.add(name, {"type": "string", "description": f"The {name} kind.", "enum": values})
        props = {}
        fields = rng.sample(FIELDS, rng.randint(3, 9))
        for f in fields:
            props[f] = primitive(rng)
        if earlier and kind < 9:
            for _ in range(rng.randint(1, 3)):
                ref = rng.choice(earlier)
                field = "ref_" + ref["$ref"].rsplit("/", 1)[1].lower()
                props[field] = ref if rng.random() < 0.7 else {"type": "array", "items": ref}
        required = sorted(rng.sample(sorted(props), rng.randint(0, min(3, len(props)))))
        schema = {"type": "object", "description": f"A {name}.", "properties": props}
        if required:
            schema["required"] = required
        if kind == 9:
            schema["nullable"] = True
        return self.add(name, schema)

    def build(self):
        rng = self.rng
        common = {
            "ErrorMessage": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}},
            },
            "ErrorResponse": {
                "type": "object",
                "required": ["success", "errors"],
                "properties": {
                    "success": {"type": "boolean"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorMessage"}},
                },
            },
            "PageInfo": {
                "type": "object",
                "properties": {
                    "page": {"type": "integer", "format": "int32"},
                    "per_page": {"type": "integer", "format": "int32"},
                    "total_count": {"type": "integer", "format": "int64"},
                    "total_pages": {"type": "integer", "format": "int32"},
                },
            },
        }
        self.schemas.update(common)
        per_resource = [[] for _ in range(self.resources)]
        earlier = []
        for i in range(self.supporting):
            ref = self.supporting_schema(i, earlier[-200:])
            earlier.append(ref)
            per_resource[i % self.resources].append(ref)

        paths = {}
        emitted = 0
        for r in range(self.resources):
            base = f"{self.name(100000 + r)}"
            noun = f"res{r}"
            model = {
                "type": "object",
                "description": f"A {base} resource.",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "maxLength": 32, "readOnly": True},
                    "name": {"type": "string", "maxLength": 255},
                    "created_on": {"type": "string", "format": "date-time"},
                    "enabled": {"type": "boolean"},
                },
            }
            for ref in per_resource[r]:
                field = "ref_" + ref["$ref"].rsplit("/", 1)[1].lower()
                model["properties"][field] = ref if rng.random() < 0.6 else {"type": "array", "items": ref}
            model_ref = self.add(base, model)
            input_props = {k: v for k, v in model["properties"].items() if k != "id"}
            input_ref = self.add(f"{base}Input", {
                "type": "object",
                "required": ["name"],
                "properties": input_props,
            })
            single_ref = self.add(f"{base}Response", {
                "type": "object",
                "required": ["success", "result"],
                "properties": {"success": {"type": "boolean"}, "result": model_ref},
            })
            list_ref = self.add(f"{base}ListResponse", {
                "type": "object",
                "required": ["success", "result"],
                "properties": {
                    "success": {"type": "boolean"},
                    "result": {"type": "array", "items": model_ref},
                    "result_info": {"$ref": "#/components/schemas/PageInfo"},
                },
            })
            parent = {"name": "account_id", "in": "path", "required": True,
                      "schema": {"type": "string", "maxLength": 32}}
            item = {"name": "item_id", "in": "path", "required": True,
                    "schema": {"type": "string", "maxLength": 32}}
            errors = {"4XX": {"$ref": "#/components/responses/Error"}}

            def ok(schema, description):
                return {"200": {"description": description,
                                "content": {"application/json": {"schema": schema}}}, **errors}

            body = {"required": True, "content": {"application/json": {"schema": input_ref}}}
            collection = f"/{GROUPS[r % self.groups]}/{{account_id}}/{noun}"
            ops = [
                (collection, "get", {
                    "operationId": f"{noun}-list",
                    "summary": f"List {base} resources",
                    "parameters": [
                        parent,
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                        {"name": "per_page", "in": "query",
                         "schema": {"type": "integer", "minimum": 5, "maximum": 100, "default": 20}},
                        {"name": "name", "in": "query", "schema": {"type": "string"}},
                        {"name": "order", "in": "query",
                         "schema": {"type": "string", "enum": ["name", "created_on", "status"]}},
                        {"name": "direction", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    ],
                    "responses": ok(list_ref, f"The {base} resources."),
                }),
                (collection, "post", {
                    "operationId": f"{noun}-create",
                    "summary": f"Create a {base}",
                    "parameters": [parent],
                    "requestBody": body,
                    "responses": ok(single_ref, f"The new {base}."),
                }),
                (f"{collection}/{{item_id}}", "get", {
                    "operationId": f"{noun}-get",
                    "summary": f"Get a {base}",
                    "parameters": [parent, item],
                    "responses": ok(single_ref, f"The {base}."),
                }),
                (f"{collection}/{{item_id}}", "put", {
                    "operationId": f"{noun}-update",
                    "summary": f"Update a {base}",
                    "parameters": [parent, item],
                    "requestBody": body,
                    "responses": ok(single_ref, f"The updated {base}."),
                }),
                (f"{collection}/{{item_id}}", "delete", {
                    "operationId": f"{noun}-delete",
                    "summary": f"Delete a {base}",
                    "parameters": [parent, item],
                    "responses": ok(single_ref, f"The deleted {base}."),
                }),
            ]
            for path, method, op in ops:
                if emitted == self.operations:
                    break
                paths.setdefault(path, {})[method] = op
                emitted += 1

        return {
            "openapi": "3.0.3",
            "info": {"title": "Synthetic API", "version": "1.0.0",
                     "description": "A synthetic description for generator benchmarks."},
            "servers": [{"url": "https://api.example.com/v1"}],
            "paths": paths,
            "components": {
                "schemas": self.schemas,
                "responses": {
                    "Error": {
                        "description": "The request failed.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
                    }
                },
            },
        }


def generate(seed=1, operations=2000, schemas=5000, groups=1):
    """The synthetic document as a dict."""
    return Spec(seed, operations, schemas, groups).build()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--schemas", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("out")
    args = parser.parse_args()
    doc = generate(args.seed, args.operations, args.schemas, args.groups)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    ops = sum(len(item) for item in doc["paths"].values())
    print(f"wrote {args.out}: {ops} operations, {len(doc['components']['schemas'])} schemas")


if __name__ == "__main__":
    main()
