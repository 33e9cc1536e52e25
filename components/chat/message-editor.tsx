"use client";

import { useTranslations } from "next-intl";
import type { KeyboardEvent } from "react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { useChatState } from "./chat-context";
import { createCompositionTracker, shouldSend, shouldSwallow } from "./composer-keys";
import { useAutosize } from "./use-autosize";

/** Edits a question in place: Enter resends it (IME-safe, like the composer) and replaces what followed; Esc cancels. */
export function MessageEditor({
  messageId,
  initial,
  onClose,
}: {
  messageId: string;
  initial: string;
  onClose: () => void;
}) {
  const t = useTranslations("message");
  const { edit } = useChatState("edit");
  const [text, setText] = useState(initial);
  const [composition] = useState(createCompositionTracker);
  const ref = useRef<HTMLTextAreaElement>(null);
  useAutosize(ref, text);

  useEffect(() => {
    const element = ref.current;
    element?.focus();
    element?.setSelectionRange(element.value.length, element.value.length);
  }, []);

  const submit = () => {
    if (text.trim() === "") return;
    onClose();
    edit(messageId, text.trim());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (shouldSend(event, composition.active)) {
      event.preventDefault();
      submit();
    } else if (shouldSwallow(event, composition.active)) {
      event.preventDefault();
    } else if (event.key === "Escape" && !composition.active && !event.nativeEvent.isComposing) {
      // Handled here, so the page-wide Esc (stop) leaves it alone.
      event.preventDefault();
      onClose();
    }
  };

  return (
    <div className="flex w-full flex-col gap-2 rounded-2xl border border-ring bg-surface p-2 ring-3 ring-ring/20">
      <Textarea
        ref={ref}
        data-testid="message-editor"
        aria-label={t("editLabel")}
        rows={1}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => composition.start()}
        onCompositionEnd={() => composition.end()}
        className="max-h-80 min-h-10 overflow-y-auto px-2 py-1.5"
      />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" size="sm" data-testid="edit-cancel" onClick={onClose}>
          {t("editCancel")}
        </Button>
        <Button size="sm" data-testid="edit-submit" disabled={text.trim() === ""} onClick={submit}>
          {t("editSubmit")}
        </Button>
      </div>
    </div>
  );
}
