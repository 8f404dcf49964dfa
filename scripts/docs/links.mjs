// Local links of every markdown file reach a file and, with a `#fragment`, a heading of it:
// inline links, reference-style links and their definitions, images, checked across files by
// remark-validate-links under unified's engine (as the remark CLI runs it). Offline: links to
// other hosts are not followed, and `repository: false` keeps GitHub URLs out of it.
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkStringify from "remark-stringify";
import remarkValidateLinks from "remark-validate-links";
import { unified } from "unified";
import { engine } from "unified-engine";

/** One message per broken local link of `files` (paths relative to `root`), as `file:line: …`. */
export async function brokenLinks(root, files) {
  const context = await new Promise((resolve, reject) => {
    engine(
      {
        // The engine runs the whole pipeline; nothing is written (`output: false`).
        processor: unified().use(remarkParse).use(remarkGfm).use(remarkStringify),
        cwd: root,
        files,
        plugins: [[remarkValidateLinks, { repository: false, root }]],
        detectConfig: false,
        detectIgnore: false,
        out: false,
        output: false,
        quiet: true,
        silent: true,
        streamError: { write() {} },
      },
      (error, _code, result) => (error ? reject(error) : resolve(result)),
    );
  });
  const problems = [];
  for (const file of context.files) {
    for (const message of file.messages) {
      // remark-validate-links' messages, and any other (a file that could not be read).
      const rule = message.ruleId ? ` (${message.ruleId})` : "";
      problems.push(`${file.path}:${message.line ?? 1}: ${message.reason}${rule}`);
    }
  }
  return problems;
}
