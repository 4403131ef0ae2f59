// The shape of one documented route, shared by the server's OPERATIONS (openapi.ts) and the
// human-in-the-loop routes' (hitl-openapi.ts), so neither imports the other's table to name it.

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
