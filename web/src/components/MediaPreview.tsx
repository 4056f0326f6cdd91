/**
 * A media preview, blurred until the reviewer asks to see it (reviewers look at harmful content all
 * day). The reveal resets for every item; `revealed` is controlled so a shortcut can toggle it.
 */
const IMAGE = /\.(png|jpe?g|gif|webp|avif)(\?|#|$)/i
const VIDEO = /\.(mp4|webm|ogv|mov)(\?|#|$)/i

export function MediaPreview({
  url,
  revealed,
  onToggle,
}: {
  url: string | null
  revealed: boolean
  onToggle: () => void
}) {
  if (url === null) {
    return <div className="media media-none">No media preview for this item (reference only).</div>
  }
  const kind = IMAGE.test(url) ? 'image' : VIDEO.test(url) ? 'video' : 'link'
  if (kind === 'link') {
    return (
      <div className="media media-none">
        Content at{' '}
        <a href={url} target="_blank" rel="noreferrer noopener">
          {url}
        </a>
      </div>
    )
  }
  return (
    <div className={`media ${revealed ? 'revealed' : 'blurred'}`}>
      {kind === 'image' ? (
        <img src={url} alt="The content under review" referrerPolicy="no-referrer" />
      ) : (
        <video
          src={url}
          controls={revealed}
          muted
          preload="metadata"
          aria-label="The content under review"
        />
      )}
      <button type="button" className="reveal" onClick={onToggle} aria-pressed={revealed}>
        {revealed ? 'Blur again' : 'Reveal media'} <kbd>v</kbd>
      </button>
    </div>
  )
}
