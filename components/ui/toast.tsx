"use client";

import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { Button } from "./button";

// Short notices at the bottom of the screen, optionally with one action (撤销 / Undo). Announced
// politely to screen readers; each leaves by itself after a few seconds.

export interface ToastOptions {
  message: string;
  action?: { label: string; onClick: () => void };
  durationMs?: number;
}

interface Toast extends ToastOptions {
  id: number;
}

const ToastContext = createContext<((toast: ToastOptions) => void) | null>(null);

export function useToast(): (toast: ToastOptions) => void {
  const show = use(ToastContext);
  if (!show) throw new Error("useToast must be used inside <ToastProvider>");
  return show;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: ToastOptions) => {
      const id = ++next.current;
      // One at a time: a new notice replaces the previous one.
      setToasts([{ ...toast, id }]);
      setTimeout(() => dismiss(id), toast.durationMs ?? 6000);
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext value={value}>
      {children}
      <div
        role="status"
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            data-testid="toast"
            className="pointer-events-auto flex max-w-md items-center gap-3 rounded-xl bg-tooltip px-4 py-2.5 text-sm text-tooltip-foreground shadow-lg"
          >
            <span className="message-text min-w-0">{toast.message}</span>
            {toast.action && (
              <Button
                variant="ghost"
                size="sm"
                data-testid="toast-action"
                className="text-tooltip-foreground underline hover:bg-white/10 hover:text-tooltip-foreground"
                onClick={() => {
                  dismiss(toast.id);
                  toast.action?.onClick();
                }}
              >
                {toast.action.label}
              </Button>
            )}
          </div>
        ))}
      </div>
    </ToastContext>
  );
}
