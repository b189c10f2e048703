// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PreflightNotes } from './PreflightNotes.js';

describe('PreflightNotes', () => {
  it('lists tables, groups and continuing text apart, and the page count', () => {
    render(
      <PreflightNotes
        tables={[{ key: 'k1', label: 'items', message: '3 rows, all in its box.' }]}
        groups={[{ key: 'k2', label: 'labels', message: '12 items: 8 in the cells of its page, 4 continue on 1 added page.' }]}
        texts={[]}
        pages="The document will have 2 pages (1 added for what continues)."
      />,
    );
    expect(screen.getByRole('list', { name: 'Tables' }).textContent).toBe('items: 3 rows, all in its box.');
    expect(screen.getByRole('list', { name: 'Repeating groups' }).textContent).toBe(
      'labels: 12 items: 8 in the cells of its page, 4 continue on 1 added page.',
    );
    expect(screen.queryByRole('list', { name: 'Continuing text' })).toBeNull();
    expect(screen.getByTestId('preflight-pages').textContent).toBe('The document will have 2 pages (1 added for what continues).');
  });

  it('shows nothing without an answer', () => {
    const { container } = render(<PreflightNotes tables={null} groups={null} texts={null} pages={null} />);
    expect(container.innerHTML).toBe('');
  });
});
