import type { Services } from '@/services/context.js';

/**
 * Audit rows for what the workers do on their own (no HTTP request, so the API's audit hook never
 * sees it): cleanup runs, queue-driven documents and job finalization. A failed write is logged
 * by the caller's logger and never fails the message (a retried message would redo the work).
 */
export async function auditWorker(
  services: Pick<Services, 'repos'>,
  entry: { action: string; resourceType: string; resourceId?: string | null; actorId?: string | null; details?: Record<string, unknown> },
  onError: (err: unknown) => void = () => {},
): Promise<void> {
  try {
    await services.repos.auditLogs.record({
      actorId: entry.actorId ?? null,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      requestId: null,
      ip: null,
      details: { ...entry.details, via: 'worker' },
    });
  } catch (err) {
    onError(err);
  }
}
