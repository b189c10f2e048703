/**
 * Every error code the product answers with, and the HTTP status and title it has. Domain code
 * throws codes (AppError, PdfError); only the API's problem plugin turns a code into a response,
 * and the OpenAPI document lists each operation's codes from here. A code that is not a key of
 * this object does not compile as an ErrorCode.
 *
 * Entries are grouped by where they come from; `status` is what the client sees, `title` is the
 * problem's stable title (the occurrence's own text goes in `detail`).
 */
export const ERROR_CATALOGUE = {
  // Requests the API refuses before or while reading them.
  validation_failed: { status: 400, title: 'Request validation failed' },
  bad_request: { status: 400, title: 'Bad request' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid for this listing' },
  route_not_found: { status: 404, title: 'Route not found' },
  request_timeout: { status: 408, title: 'The request did not arrive within the time allowed' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  login_throttled: { status: 429, title: 'Too many failed sign-ins for this account' },
  internal_error: { status: 500, title: 'Internal Server Error' },

  // Authentication and authorisation.
  unauthorized: { status: 401, title: 'Authentication is required' },
  authorization_invalid: { status: 401, title: 'The Authorization header is malformed' },
  token_invalid: { status: 401, title: 'The access token is invalid' },
  token_expired: { status: 401, title: 'The access token has expired' },
  api_key_invalid: { status: 401, title: 'The API key is unknown, revoked or expired' },
  invalid_credentials: { status: 401, title: 'The email or password is wrong' },
  invalid_refresh_token: { status: 401, title: 'The refresh token is unknown' },
  refresh_token_expired: { status: 401, title: 'The refresh token has expired' },
  refresh_token_reused: { status: 401, title: 'The refresh token was used twice; its sessions are revoked' },
  forbidden: { status: 403, title: 'Forbidden' },
  insufficient_scope: { status: 403, title: 'The API key may not do this (it lacks the scope)' },

  // Resources and their state.
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'The resource was changed or already exists' },
  email_taken: { status: 409, title: 'A user with this email already exists' },
  invalid_transition: { status: 409, title: 'The job cannot change to that status' },
  idempotency_key_reused: { status: 409, title: 'The Idempotency-Key was used with a different request' },
  nothing_to_retry: { status: 409, title: 'The job has no failed record that can be retried' },
  record_key_taken: { status: 409, title: 'The record key belongs to another document' },
  concurrent_field_change: { status: 409, title: 'Fields were changed concurrently' },
  file_not_ready: { status: 409, title: 'The file is not processed (ready) yet' },
  file_missing: { status: 409, title: 'The uploaded bytes are missing from storage' },
  upload_incomplete: { status: 409, title: 'Nothing has been uploaded to the upload URL yet' },
  publish_conflict: { status: 409, title: 'The template was published concurrently' },
  pdf_not_ready: { status: 409, title: 'The document is not generated yet' },
  last_admin: { status: 409, title: 'The only administrator cannot be deleted or demoted' },
  certificate_limit_reached: { status: 409, title: 'The account keeps as many signing certificates as it may' },

  // Templates and fields.
  field_out_of_page: { status: 400, title: 'Fields must lie within an existing page' },
  fields_not_in_template: { status: 400, title: 'Fields do not belong to this template' },
  field_definition_invalid: { status: 400, title: "A field's rules or settings cannot be applied" },

  // Uploads and the PDF engine (src/pdf's PdfError codes).
  upload_size_mismatch: { status: 400, title: 'The uploaded size differs from the declared size' },
  file_too_large: { status: 413, title: 'The file is larger than the upload limit' },
  pdf_empty: { status: 400, title: 'The file is empty' },
  pdf_not_pdf: { status: 415, title: 'The file is not a PDF' },
  pdf_corrupt: { status: 422, title: 'The PDF could not be read' },
  pdf_encrypted: { status: 422, title: 'The PDF is encrypted' },
  pdf_too_large: { status: 413, title: 'The PDF is too large or too complex' },
  pdf_too_many_pages: { status: 422, title: 'The PDF has too many pages' },
  pdf_xfa_only: { status: 422, title: 'The form exists only as dynamic XFA and must be converted to an AcroForm' },
  pdf_page_out_of_range: { status: 422, title: 'A field is on a page the PDF does not have' },
  payload_invalid: { status: 422, title: 'The data does not match the template' },
  table_too_many_rows: { status: 422, title: 'A table has more rows than one document may have' },
  document_too_many_pages: { status: 422, title: 'The document would have more pages than one document may have' },
  group_invalid: { status: 422, title: "A repeating group's members or settings cannot be drawn" },
  group_too_many_items: { status: 422, title: 'A repeating group has more items than one document may have' },
  font_missing_glyph: { status: 422, title: 'A font has no glyph for a character of the data' },
  font_unknown: { status: 422, title: 'Unknown font family' },
  image_invalid: { status: 422, title: 'An image value is not a usable image' },
  image_too_large: { status: 422, title: 'An image declares more pixels or decoded bytes than the budget allows' },
  barcode_invalid: { status: 422, title: 'A barcode value cannot be encoded' },
  render_timeout: { status: 422, title: 'The document took longer to render than its budget allows' },
  expression_failed: { status: 422, title: "A field's expression or condition could not be evaluated on the data" },
  inspect_timeout: { status: 422, title: 'The PDF took longer to inspect than its budget allows' },

  // Output options (src/pdf/output): PDF/A, Factur-X, signatures, encryption.
  output_options_conflict: { status: 422, title: 'The output options cannot be combined' },
  pdfa_not_possible: { status: 422, title: 'The base PDF cannot be made PDF/A' },
  invoice_invalid: { status: 422, title: 'The invoice data is not a valid EN 16931 invoice' },
  invoice_xml_invalid: { status: 422, title: "The invoice XML is not well-formed CII or does not validate against its profile's XSD" },
  invoice_profile_mismatch: { status: 422, title: "The invoice XML's guideline (BT-24) is not the Factur-X profile asked for" },
  invoice_rules_violated: { status: 422, title: 'The invoice breaks EN 16931 business rules' },
  certificate_missing: { status: 422, title: 'A signature needs a certificate' },
  certificate_invalid: { status: 422, title: 'The certificate cannot be read or has no usable key' },
  certificate_password_invalid: { status: 422, title: 'The certificate password is wrong' },
  certificate_expired: { status: 422, title: 'The certificate has expired or is not yet valid' },
  encryption_password_missing: { status: 422, title: 'Encryption needs a user or owner password' },
  timestamp_url_not_allowed: { status: 422, title: 'The timestamp authority is not one this server is configured to use' },
  timestamp_failed: { status: 502, title: 'The timestamp authority did not answer with a valid token' },
  signature_failed: { status: 500, title: 'The document could not be signed' },
  signature_field_invalid: { status: 422, title: "The signature's fieldId is not a signature field of the template" },
  certificate_not_found: { status: 422, title: 'The signing certificate named is not one of this account' },
  certificate_key_unavailable: { status: 500, title: "The stored certificate does not open with the server's current key" },

  // Blob storage and its signed URLs.
  blob_not_found: { status: 404, title: 'The stored object does not exist' },
  blob_key_conflict: { status: 409, title: 'The storage key clashes with another key' },
  blob_exists: { status: 409, title: 'An object is already stored at this key' },
  upload_url_used: { status: 409, title: 'The upload URL was already used; ask for a new one' },
  invalid_blob_key: { status: 400, title: 'The storage key is not valid' },
  payload_too_large: { status: 413, title: 'The body is larger than allowed' },
  range_not_satisfiable: { status: 416, title: 'The requested range is outside the object' },
  signed_url_expired: { status: 403, title: 'The signed URL has expired' },
  signed_url_invalid: { status: 403, title: 'The signed URL is not valid' },

  // Where a job's notifications go (checked when the job is created, and the webhook again when sent).
  webhook_url_forbidden: { status: 422, title: 'The webhook URL targets an address webhooks may not reach' },
  notify_email_forbidden: { status: 422, title: "The notification email is neither the account's own address nor at an allowed domain" },

  // Queue messages (checked before anything is sent).
  invalid_queue_message: { status: 400, title: 'The queue message is invalid' },
  queue_message_too_large: { status: 400, title: 'The queue message is larger than the queue allows' },

  // Dependencies that are down or misconfigured.
  batch_incomplete: { status: 503, title: 'A storage batch could not be completed' },
  queue_unavailable: { status: 503, title: 'The queue did not accept the messages; nothing was created' },
  storage_unavailable: { status: 503, title: 'The document store is unavailable; try again shortly' },
  ddb_table_mismatch: { status: 500, title: 'A DynamoDB table does not match its definition' },
  ddb_table_timeout: { status: 503, title: 'A DynamoDB table did not become active' },
  ddb_store_locked: { status: 503, title: 'The local DynamoDB store is in use by another process' },
  ddb_store_unavailable: { status: 503, title: 'The local DynamoDB store cannot be opened' },

  // Fastify's and its plugins' own request errors, by their code without the FST_(ERR_) prefix.
  ctp_body_too_large: { status: 413, title: 'Request body is too large' },
  ctp_invalid_media_type: { status: 415, title: 'Unsupported Media Type' },
  ctp_invalid_content_length: { status: 400, title: 'Request body size did not match Content-Length' },
  ctp_empty_json_body: { status: 400, title: 'Body cannot be empty when content-type is application/json' },
  ctp_invalid_json_body: { status: 400, title: 'Body is not valid JSON' },
  bad_url: { status: 400, title: 'The URL is not valid' },
  max_param_length: { status: 414, title: 'A path parameter is too long' },
  parts_limit: { status: 413, title: 'Too many multipart parts' },
  files_limit: { status: 413, title: 'Too many files in the multipart body' },
  fields_limit: { status: 413, title: 'Too many fields in the multipart body' },
  req_file_too_large: { status: 413, title: 'The multipart file is too large' },
  proto_violation: { status: 400, title: 'A multipart field name is not allowed' },
  invalid_multipart_content_type: { status: 406, title: 'The request is not multipart' },
  invalid_json_field_error: { status: 406, title: 'A multipart field is not valid JSON' },
  mp_premature_close: { status: 400, title: 'The request ended before the multipart body was complete' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type ErrorEntry = (typeof ERROR_CATALOGUE)[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The client's request is at fault (a 4xx): sending it again unchanged cannot succeed. */
export function isClientFault(code: ErrorCode): boolean {
  const { status } = ERROR_CATALOGUE[code];
  return status >= 400 && status < 500;
}

/**
 * Fastify answers some requests itself with an error that has a status but no code (e.g. the
 * static file server's 403/416). Each such status gets the catalogue's generic code for it.
 */
const GENERIC_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'ctp_invalid_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
};

export function genericCodeFor(status: number): ErrorCode {
  return GENERIC_BY_STATUS[status] ?? 'bad_request';
}
