"use client";

import { useTranslations } from "next-intl";
import type { KeyboardEvent, Ref } from "react";
import { useId, useImperativeHandle, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ArrowUpIcon, StopIcon } from "@/components/ui/icons";
import { Textarea } from "@/components/ui/textarea";
import { useChatState } from "./chat-context";
import { createCompositionTracker, shouldSend, shouldStop, shouldSwallow } from "./composer-keys";
import { useAutosize } from "./use-autosize";

/** Lets the shell put text in the box (example prompts) while the draft itself stays local to the composer. */
export interface ComposerHandle {
  fill: (text: string) => void;
}

export function Composer({ ref }: { ref?: Ref<ComposerHandle> }) {
  const t = useTranslations("composer");
  const hintId = useId();
  const { send, stop, isBusy, model } = useChatState();
  const [draft, setDraft] = useState("");
  const [composition] = useState(createCompositionTracker);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  useAutosize(textareaRef, draft);

  useImperativeHandle(
    ref,
    () => ({
      fill: (text) => {
        setDraft(text);
        textareaRef.current?.focus();
      },
    }),
    [],
  );

  const canSend = draft.trim() !== "" && !isBusy && model !== undefined;

  const submit = () => {
    if (!canSend) return;
    send(draft.trim());
    setDraft("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (shouldSend(event, composition.active)) {
      // While a reply streams, Enter neither sends nor adds a newline: the draft waits for the next turn.
      event.preventDefault();
      submit();
    } else if (shouldSwallow(event, composition.active)) {
      event.preventDefault();
    } else if (isBusy && shouldStop(event, composition.active)) {
      event.preventDefault();
      stop();
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="flex items-end gap-2 rounded-2xl border border-border bg-surface p-2 shadow-sm transition-shadow focus-within:border-ring focus-within:ring-3 focus-within:ring-ring/20">
        <Textarea
          ref={textareaRef}
          data-testid="chat-input"
          aria-label={t("label")}
          aria-describedby={hintId}
          rows={1}
          value={draft}
          placeholder={t("placeholder")}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onCompositionStart={() => composition.start()}
          onCompositionEnd={() => composition.end()}
          enterKeyHint="send"
          className="max-h-52 min-h-10 overflow-y-auto px-2 py-2"
        />
        {isBusy ? (
          <Button
            data-testid="stop-button"
            variant="secondary"
            size="icon"
            aria-label={t("stop")}
            title={t("stop")}
            onClick={stop}
          >
            <StopIcon />
          </Button>
        ) : (
          <Button
            type="submit"
            data-testid="send-button"
            size="icon"
            aria-label={t("send")}
            title={t("send")}
            disabled={!canSend}
          >
            <ArrowUpIcon />
          </Button>
        )}
      </div>
      <p id={hintId} className="message-text mt-2 hidden text-center text-xs text-muted-foreground sm:block">
        {t("hint")}
      </p>
    </form>
  );
}
