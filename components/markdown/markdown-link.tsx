import type { ComponentProps } from "react";
import type { ExtraProps } from "react-markdown";
import { isExternalUrl } from "@/lib/markdown/safe-url";
import { withoutNode } from "./without-node";

/** A link; external ones open in a new tab without giving the page a handle on ours. */
export function MarkdownLink(all: ComponentProps<"a"> & ExtraProps) {
  const { href, ...props } = withoutNode(all);
  // An unsafe URL was emptied by the URL transform: keep the text, drop the link target.
  if (!href) return <a {...props} />;
  const external = isExternalUrl(href);
  return <a href={href} {...(external && { target: "_blank", rel: "noopener noreferrer" })} {...props} />;
}
