// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DraftState } from './VersionsPanel.js';

const same = { added: [], removed: [], moved: [], changed: [] };

describe('DraftState', () => {
  it('says the draft is live only when neither its fields nor its PDF changed since the version', () => {
    const { rerender } = render(<DraftState live={{ version: 1, fields: [] }} diff={same} />);
    expect(screen.getByTestId('draft-state').textContent).toBe('v1 is live — the draft is the same');
    rerender(<DraftState live={{ version: 1, fields: [] }} diff={same} pdfReplaced />);
    expect(screen.getByTestId('draft-state').getAttribute('data-status')).toBe('changed');
    expect(screen.getByTestId('draft-state').textContent).toBe('Draft — changes not published (v1 is live): new PDF');
    rerender(<DraftState live={{ version: 1, fields: [] }} diff={{ ...same, moved: ['total'] }} pdfReplaced />);
    expect(screen.getByTestId('draft-state').textContent).toBe('Draft — changes not published (v1 is live): new PDF, 1 moved');
  });
});
