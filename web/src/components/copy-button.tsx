import { useState } from 'react';

/** Copies `text` to the clipboard and says so (aloud too); falls back to selecting it for Ctrl+C. */
export function CopyButton({ text, label = 'Copy', targetId }: { text: string; label?: string; targetId?: string }) {
  const [said, setSaid] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied to the clipboard');
    } catch {
      // Clipboard access needs a secure context (https or localhost): select the text instead.
      const el = targetId ? document.getElementById(targetId) : null;
      if (el) window.getSelection()?.selectAllChildren(el);
      setSaid('Selected: press Ctrl+C (⌘C) to copy');
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>{label}</button>
      <span role="status" className="muted small">{said}</span>
    </>
  );
}
