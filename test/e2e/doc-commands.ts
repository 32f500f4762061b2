// the shell blocks of README.md and docs/*.md that a test runs as written. a block runs when the line
// before its ``` fence is the comment <!-- readme-test --> (it needs only a local Worker, and takes
// seconds). in a block, a command (continued over lines ending in \) may be followed by comment lines
// giving its output: `# {"digit":7,…}`, where … stands for anything; those comments are the check.
// other comment lines are prose.

export const MARK = '<!-- readme-test -->';

export interface DocCommand {
  command: string; // as written, continuation lines joined by newlines
  expected: string | null; // the output comment, without its "# "
  line: number; // 1-based line of the command in the file
}

export interface DocBlock {
  file: string;
  line: number; // of the opening fence
  commands: DocCommand[];
}

/** the marked ```sh blocks of a Markdown file */
export function markedBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== MARK) continue;
    const fence = lines[i + 1] ?? '';
    if (!/^```(sh|bash|shell)\s*$/.test(fence)) throw new Error(`${file}:${i + 1}: ${MARK} must come right before a \`\`\`sh block, got "${fence}"`);
    const body: string[] = [];
    let j = i + 2;
    for (; j < lines.length && !lines[j].startsWith('```'); j++) body.push(lines[j]);
    if (j === lines.length) throw new Error(`${file}:${i + 2}: the block never closes`);
    blocks.push({ file, line: i + 2, commands: commandsOf(body, i + 3) });
    i = j;
  }
  return blocks;
}

/** an output comment: JSON after "# " */
const isOutput = (line: string) => /^#\s*[[{]/.test(line.trim());

function commandsOf(body: string[], firstLine: number): DocCommand[] {
  const commands: DocCommand[] = [];
  for (let k = 0; k < body.length; k++) {
    const line = body[k];
    if (line.trim() === '') continue;
    if (line.trim().startsWith('#')) {
      const last = commands[commands.length - 1];
      // right under its command: the output it gives
      if (isOutput(line) && last && last.expected === null && k > 0 && !body[k - 1].trim().startsWith('#')) last.expected = line.trim().replace(/^#\s*/, '');
      continue;
    }
    const start = k;
    const parts = [line];
    while (parts[parts.length - 1].endsWith('\\') && k + 1 < body.length) parts.push(body[++k]);
    commands.push({ command: stripComment(parts.join('\n')), expected: null, line: firstLine + start });
  }
  return commands;
}

/** a trailing "  # comment" after a command is prose (quotes are respected, roughly: none of ours put # in quotes after two spaces) */
function stripComment(command: string): string {
  return command.replace(/\s{2,}#[^'"\n]*$/, '');
}

/** the expected output as a regular expression matching the whole output: … matches anything */
export function outputPattern(expected: string): RegExp {
  const escaped = expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]*?')}$`);
}
