import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/**
 * Every page of the document in one scrolling column. A page is drawn once it comes near the view
 * (pdf.js drawing a long document's every page at once would stall the editor) and stays drawn;
 * until then its slot has the page's size, so the scroll positions are right from the start. The
 * page most in view is reported as the current one (thumbnails, "place centred", fit width).
 */

interface Props {
  pages: readonly { width: number; height: number }[];
  zoom: number;
  scroller: RefObject<HTMLDivElement | null>;
  onCurrent: (page: number) => void;
  render: (page: number) => ReactNode;
}

/** How far outside the view a page is drawn already, in CSS px. */
const AHEAD = '800px';

export function AllPages({ pages, zoom, scroller, onCurrent, render }: Props) {
  const [near, setNear] = useState<ReadonlySet<number>>(() => new Set([1]));
  const slots = useRef(new Map<number, HTMLElement>());
  const shown = useRef(new Map<number, number>());
  const current = useRef(onCurrent);
  current.current = onCurrent;

  useEffect(() => {
    const root = scroller.current;
    // Without IntersectionObserver (jsdom) every page is drawn and the current page is the caller's.
    if (typeof IntersectionObserver === 'undefined' || !root) {
      setNear(new Set(pages.map((_, i) => i + 1)));
      return;
    }
    const pageOf = (el: Element) => Number((el as HTMLElement).dataset.pageSlot);
    const ahead = new IntersectionObserver(
      (entries) => {
        const add = entries.filter((e) => e.isIntersecting).map((e) => pageOf(e.target));
        if (add.length) setNear((s) => (add.every((p) => s.has(p)) ? s : new Set([...s, ...add])));
      },
      { root, rootMargin: AHEAD },
    );
    const inView = new IntersectionObserver(
      (entries) => {
        for (const e of entries) shown.current.set(pageOf(e.target), e.isIntersecting ? e.intersectionRect.height : 0);
        let best = 0;
        let most = 0;
        for (const [p, h] of shown.current) if (h > most) [best, most] = [p, h];
        if (best) current.current(best);
      },
      { root, threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] },
    );
    for (const el of slots.current.values()) {
      ahead.observe(el);
      inView.observe(el);
    }
    return () => {
      ahead.disconnect();
      inView.disconnect();
    };
  }, [pages, scroller]);

  return (
    <div className="all-pages">
      {pages.map((size, i) => {
        const page = i + 1;
        return (
          <div
            key={page}
            className="page-slot"
            data-page-slot={page}
            ref={(el) => {
              if (el) slots.current.set(page, el);
              else slots.current.delete(page);
            }}
          >
            {near.has(page) ? (
              render(page)
            ) : (
              <div className="page-frame page-placeholder" style={{ width: size.width * zoom, height: size.height * zoom }} />
            )}
          </div>
        );
      })}
    </div>
  );
}
