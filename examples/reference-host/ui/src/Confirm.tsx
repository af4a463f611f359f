import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** A button that asks before it acts: the question (and e.g. a plan) first, then Confirm or Cancel. */
export function ConfirmButton(props: {
  label: string;
  question: ComponentChildren;
  onConfirm: () => Promise<void>;
  onOpen?: () => Promise<void>;
  danger?: boolean;
  testid: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const start = async () => {
    setError(undefined);
    try {
      await props.onOpen?.();
      setOpen(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="confirm">
      <button type="button" class={props.danger ? 'danger' : ''} data-testid={props.testid} onClick={start} disabled={open}>
        {props.label}
      </button>
      {open && (
        <div class="dialog" role="dialog" aria-label={props.label} data-testid={`${props.testid}-dialog`}>
          <div>{props.question}</div>
          <button type="button" class={props.danger ? 'danger' : ''} data-testid={`${props.testid}-confirm`} disabled={busy} onClick={confirm}>
            Confirm
          </button>
          <button type="button" onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
