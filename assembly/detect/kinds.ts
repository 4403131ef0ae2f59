// Stable ids and names of the secret and PII kinds reported by the detectors (0 = no finding).

// Secret kinds. Ids are part of the ABI: append, never renumber.
export const SECRET_NONE: i32 = 0;
export const OPENAI_KEY: i32 = 1;
export const STRIPE_KEY: i32 = 2;
export const AWS_ACCESS_KEY_ID: i32 = 3;
export const GITHUB_TOKEN: i32 = 4;
export const GITHUB_PAT: i32 = 5;
export const BEARER_TOKEN: i32 = 6;
export const SLACK_TOKEN: i32 = 7;
export const GOOGLE_API_KEY: i32 = 8;
export const PRIVATE_KEY: i32 = 9;
export const SECRET_KIND_COUNT: i32 = 9;

// PII kinds. Ids are part of the ABI: append, never renumber.
export const PII_NONE: i32 = 0;
export const EMAIL: i32 = 1;
export const PHONE: i32 = 2;
export const CARD_NUMBER: i32 = 3;
export const US_SSN: i32 = 4;
export const IBAN: i32 = 5;
export const PII_KIND_COUNT: i32 = 5;

// Indexed by id; entry 0 is the empty name of "no finding".
const SECRET_NAMES: StaticArray<string> = [
  "",
  "openai_key",
  "stripe_key",
  "aws_access_key_id",
  "github_token",
  "github_pat",
  "bearer_token",
  "slack_token",
  "google_api_key",
  "private_key",
];

const PII_NAMES: StaticArray<string> = [
  "",
  "email",
  "phone",
  "card_number",
  "us_ssn",
  "iban",
];

/** Name of a secret kind id, or "" when the id is unknown. */
export function secretKindName(id: i32): string {
  return id > 0 && id <= SECRET_KIND_COUNT ? unchecked(SECRET_NAMES[id]) : "";
}

/** Name of a PII kind id, or "" when the id is unknown. */
export function piiKindName(id: i32): string {
  return id > 0 && id <= PII_KIND_COUNT ? unchecked(PII_NAMES[id]) : "";
}
