/**
 * Which items of a list of more than one page are shown (`offset` on, `shown` of them, pages of
 * `limit`), and buttons to the previous and next pages.
 */
export function Pages(p: {
  offset: number;
  shown: number;
  limit: number;
  total: number;
  onPage(offset: number): void;
  testId: string;
}) {
  const { offset, shown, limit, total } = p;
  const size = Math.max(shown, 1);
  return (
    <div className="row" data-testid={p.testId}>
      <span className="muted">
        {shown ? `${offset + 1}–${offset + shown}` : 'none'} of {total}
      </span>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => p.onPage(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <button
        type="button"
        disabled={offset + size >= total}
        onClick={() => p.onPage(offset + size)}
      >
        Next
      </button>
    </div>
  );
}
