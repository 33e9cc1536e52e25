import type { ExtraProps } from "react-markdown";

/** The props react-markdown passes, minus its hast `node`, which must not reach the DOM element. */
export function withoutNode<P extends ExtraProps>(props: P): Omit<P, "node"> {
  const { node, ...rest } = props;
  void node;
  return rest;
}
