/**
 * Events as AWS delivers them to our functions: API Gateway HTTP API (payload v2), SQS batches and
 * the EventBridge schedule's constant input. Shared by the in-process handler tests and the tests
 * that invoke the built bundles in a fresh process.
 */

export interface ApiEventOptions {
  body?: unknown;
  /** Raw bytes sent base64-encoded, as API Gateway does for binary bodies (multipart uploads). */
  rawBody?: Buffer;
  headers?: Record<string, string>;
  query?: string;
}

export function apiEvent(method: string, rawPath: string, opts: ApiEventOptions = {}) {
  const body =
    opts.rawBody !== undefined
      ? { body: opts.rawBody.toString('base64'), isBase64Encoded: true }
      : opts.body !== undefined
        ? { body: JSON.stringify(opts.body), isBase64Encoded: false }
        : { isBase64Encoded: false };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: opts.query ?? '',
    headers: { host: 'api.example.com', 'content-type': 'application/json', ...(opts.headers ?? {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      requestId: `req-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
    },
    ...body,
  };
}

export function sqsEvent(records: { id: string; body: string; receiveCount?: number }[]) {
  return {
    Records: records.map((r) => ({
      messageId: r.id,
      receiptHandle: `rh-${r.id}`,
      body: r.body,
      attributes: { ApproximateReceiveCount: String(r.receiveCount ?? 1) },
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
      awsRegion: 'us-east-1',
      md5OfBody: '',
    })),
  };
}

/** A multipart/form-data body with one file part, as a browser or curl -F sends it. */
export function multipartFile(field: string, filename: string, bytes: Uint8Array, type = 'application/pdf') {
  const boundary = `----pdfstudio${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    Buffer.from(bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
