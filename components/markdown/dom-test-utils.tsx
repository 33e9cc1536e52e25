import type { ReactNode } from "react";
import { act } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { WithIntl } from "./test-render";

// React warns about updates outside act() unless told this is a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Test helper: mounts a tree (inside the i18n provider) into a fresh DOM container. */
export function mount(node: ReactNode): { container: HTMLElement; root: Root; render: (node: ReactNode) => void } {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  const render = (next: ReactNode) => act(() => root.render(<WithIntl>{next}</WithIntl>));
  render(node);
  return { container, root, render };
}

/** Lets pending dynamic imports and effects finish, until the DOM stops changing. */
export async function settle(container: HTMLElement, rounds = 40): Promise<void> {
  let previous = "";
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 25));
    });
    if (container.innerHTML === previous && i > 2) return;
    previous = container.innerHTML;
  }
}

/** Advances React and pending imports until `condition` holds (or fails after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
  }
}
