// Key decisions for the composer, kept pure so IME edge cases are unit-tested without a browser.

/** The parts of a React keyboard event the decision needs. */
export interface KeyEventLike {
  key: string;
  shiftKey?: boolean;
  altKey?: boolean;
  keyCode?: number;
  nativeEvent?: { isComposing?: boolean };
}

/** keyCode browsers report while an IME owns the keystroke; Safari also sends it for the confirming Enter. */
const IME_KEY_CODE = 229;

export function isImeEvent(event: KeyEventLike, compositionActive: boolean): boolean {
  return compositionActive || event.nativeEvent?.isComposing === true || event.keyCode === IME_KEY_CODE;
}

/** Enter sends; Shift+Enter (and Alt+Enter) insert a newline. */
export function shouldSend(event: KeyEventLike, compositionActive = false): boolean {
  if (event.key !== "Enter" || event.shiftKey || event.altKey) return false;
  // Enter while an IME is composing confirms a candidate, not the message.
  return !isImeEvent(event, compositionActive);
}

/**
 * An Enter that belongs to a composition yet lacks the IME's 229 marker (sent right after compositionend,
 * or injected by automation): swallow it, so it neither sends nor leaves a stray newline.
 * Real IME keystrokes carry 229 and are left alone, so the IME can still confirm its candidate.
 */
export function shouldSwallow(event: KeyEventLike, compositionActive = false): boolean {
  if (event.key !== "Enter" || event.shiftKey || event.altKey) return false;
  return isImeEvent(event, compositionActive) && event.keyCode !== IME_KEY_CODE;
}

/** Esc stops a streaming reply, unless it is cancelling an IME composition. */
export function shouldStop(event: KeyEventLike, compositionActive = false): boolean {
  return event.key === "Escape" && !isImeEvent(event, compositionActive);
}

export interface CompositionTracker {
  start(): void;
  end(): void;
  readonly active: boolean;
}

/**
 * Tracks compositionstart/compositionend. The end is applied on the next task, because some browsers
 * fire the confirming Enter's keydown right after compositionend, in the same tick.
 */
export function createCompositionTracker(
  defer: (fn: () => void) => unknown = (fn) => setTimeout(fn, 0),
): CompositionTracker {
  let active = false;
  let generation = 0;
  return {
    start() {
      generation += 1;
      active = true;
    },
    end() {
      const ending = generation;
      defer(() => {
        // A new composition that started meanwhile keeps the flag up.
        if (ending === generation) active = false;
      });
    },
    get active() {
      return active;
    },
  };
}
