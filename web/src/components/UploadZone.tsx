import { useRef, useState, type DragEvent } from 'react';
import { uploadFile } from '../api/upload.js';
import type { UploadedFile } from '../api/types.js';
import { useServices } from './context.js';
import { ErrorMessage } from './ErrorMessage.js';

/** Drop a PDF here or pick one; shows upload progress and the API's error in words. */
export function UploadZone({ onUploaded }: { onUploaded: (file: UploadedFile) => Promise<void> | void }) {
  const { client } = useServices();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [stage, setStage] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function send(file: File | undefined) {
    if (!file) return;
    setError(null);
    setProgress(0);
    setStage(`Uploading ${file.name}…`);
    try {
      const uploaded = await uploadFile(client, file, setProgress);
      setStage('Creating template…');
      await onUploaded(uploaded);
      setStage('');
    } catch (err) {
      setError(err);
      setStage('');
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void send(e.dataTransfer.files[0]);
  }

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid="dropzone"
    >
      <p>Drop a PDF here to make a template, or</p>
      <label className="button primary">
        Choose a PDF…
        <input
          ref={input}
          type="file"
          accept="application/pdf,.pdf"
          className="visually-hidden"
          aria-label="Upload a PDF"
          onChange={(e) => void send(e.target.files?.[0])}
        />
      </label>
      {progress !== null && (
        <div className="progress-row" role="status">
          <span>{stage}</span>
          <progress max={1} value={progress} aria-label="Upload progress" />
          <span>{Math.round(progress * 100)}%</span>
        </div>
      )}
      {progress === null && stage && <p role="status">{stage}</p>}
      <ErrorMessage error={error} />
    </div>
  );
}
