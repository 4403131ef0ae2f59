// The shape of one route's OpenAPI documentation and the helpers to write it. Each route declares its
// `doc` where it is registered (router.add); server/openapi.ts builds /v1/openapi.json from the router.
// Bodies name components by `$ref` (schemaBody): the components of data shapes and request bodies are the JSON Schemas of schemas/.

type Json = Record<string, unknown>;

export interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
  security?: Json[];
}

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Json, description = "OK"): Json => ({ description, content: { "application/json": { schema } } });
export const err = (description: string): Json => json(ref("Error"), description);
export const body = (schema: Json, required = true): Json => ({ required, content: { "application/json": { schema } } });
export const obj = (properties: Json, required: string[] = []): Json => ({ type: "object", properties, required, additionalProperties: false });
export const html = (description: string): Json => ({ description, content: { "text/html": { schema: { type: "string" } } } });
export const seeOther = (where: string): Json => ({ description: `See Other: back to ${where}`, headers: { location: { schema: { type: "string" } } } });
export const pathParam = (name: string, description: string): Json => ({ name, in: "path", required: true, schema: { type: "string" }, description });
/** Who sends a body (SPEC §11): an agent, an operator, or an operator's reply relayed by a provider. */
export type Channel = "agent" | "operator" | "third-party";

export const CHANNEL_TEXT: Record<Channel, string> = {
  agent: "Agent channel (SPEC §11): untrusted; an agent key or MCP may send it.",
  operator: "Operator channel (SPEC §11): an operator key or the dashboard session.",
  "third-party":
    "Operator channel relayed by a third party (SPEC §11): a provider posts an approver's reply, authenticated by its signature over the raw bytes; the provider may add fields.",
};

/**
 * A body described by one schemas/ component (the same schema validates it): `name` is the component,
 * `types` the media types it is accepted as (a form's fields are the schema's properties).
 */
export const schemaBody = (name: string, channel: Channel, opts: { required?: boolean; types?: string[] } = {}): Json => ({
  required: opts.required ?? true,
  description: CHANNEL_TEXT[channel],
  content: Object.fromEntries((opts.types ?? ["application/json"]).map((t) => [t, { schema: ref(name) }])),
});

/** A public route: no API key. */
export const open = { security: [] as Json[] };

export const COMMON_ERRORS: Json = {
  "400": err("Bad input; `error.path` points at the field."),
  "401": err("Missing or invalid API key."),
  "404": err("No such resource, or it belongs to another issuer."),
  "413": err("Request body too large."),
  "429": err("Too many requests; see Retry-After."),
};
export const PASSPORT_ID = pathParam("id", "Passport id (pass_...).");
export const APPROVAL_ID = pathParam("id", "Approval id (apr_...).");
export const OK_FLAG = json(obj({ ok: { type: "boolean" } }, ["ok"]));
