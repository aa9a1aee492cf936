/**
 * LLM on the CPU: starts `kwerenda llm-serve` over a GGUF and measures, through its HTTP API, prompt
 * processing (tokens/s), free generation (tokens/s), generation under the search-plan grammar
 * (tokens/s) and the latency of the product's real planner (LlmPlanner over createLlmClient, as a
 * search runs it). Prints a Markdown report for docs/BENCHMARKS.md.
 *
 *   node dist/scripts/bench-llm.js --model FILE.gguf [--threads N] [--runs 3]
 *   node dist/scripts/bench-llm.js            # the Gemma 3 270M GGUF from its PyPI package
 */
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { LlmPlanner } from '../server/llm/llm-planner.js';
import { createLlmClient } from '../server/llm/client.js';
import { planJsonSchema } from '../server/llm/plan-schema.js';
import { PLANNER_SYSTEM, plannerMessages } from '../server/llm/prompts.js';
import { gemmaGguf, startLlmServer } from './model-servers.js';

interface Args {
  model: string;
  threads?: string;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(get('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error('--runs: 1–20');
  return { model: get('--model') ?? gemmaGguf(), threads: get('--threads'), runs };
}

const QUESTIONS = [
  'decyzja o pozwoleniu na budowę dla działki 45/7 obręb Oporów z 2016 roku',
  'odmowa warunków zabudowy na Leśnicy około 2016',
  'sprawa WUA-ZRB.6740.1.123.2019',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startLlmServer({ model: args.model, ...(args.threads ? { extraArgs: ['--threads', args.threads] } : {}) });
  const openai = new OpenAI({ baseURL: server.url, apiKey: 'not-needed', maxRetries: 0, timeout: 600_000 });
  const chat = (body: Record<string, unknown>) => openai.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
  const load = os.loadavg()[0]!;
  const stage = (name: string) => process.stderr.write(`bench-llm: ${name}…\n`);
  try {
    // Warm-up: the first request pages the weights in.
    await chat({ model: 'm', messages: [{ role: 'user', content: 'Dzień dobry.' }], max_tokens: 4 });

    stage('prompt processing');
    // Prompt processing: the planner's system prompt, made unique per run so no prefix is reused.
    const prompt: number[] = [];
    let promptTokens = 0;
    for (let i = 0; i < args.runs; i++) {
      const t = performance.now();
      const r = await chat({ model: 'm', messages: [{ role: 'system', content: `Sesja ${i}-${Date.now()}.\n${PLANNER_SYSTEM}` }, { role: 'user', content: 'Odpowiedz: tak.' }], max_tokens: 1 });
      const s = (performance.now() - t) / 1000;
      promptTokens = r.usage!.prompt_tokens;
      prompt.push(promptTokens / s);
    }

    stage('free generation');
    // Free generation.
    const gen: number[] = [];
    for (let i = 0; i < args.runs; i++) {
      const t = performance.now();
      const r = await chat({ model: 'm', messages: [{ role: 'user', content: `Opisz historię Wrocławia (${i}).` }], max_tokens: 128, temperature: 0 });
      gen.push(r.usage!.completion_tokens / ((performance.now() - t) / 1000));
    }

    stage('plan grammar');
    // Generation under the plan grammar (one request, json_schema, as the product sends it).
    const grammar: number[] = [];
    const grammarTokens: number[] = [];
    for (let i = 0; i < args.runs; i++) {
      const t = performance.now();
      const r = await chat({
        model: 'm',
        messages: plannerMessages(QUESTIONS[i % QUESTIONS.length]!, undefined),
        max_tokens: 800,
        temperature: 0,
        response_format: { type: 'json_schema', json_schema: { name: 'search_plan', schema: planJsonSchema(), strict: true } },
      });
      grammar.push(r.usage!.completion_tokens / ((performance.now() - t) / 1000));
      grammarTokens.push(r.usage!.completion_tokens);
    }

    stage('planner');
    // The real planner: what a search waits for (a repair round included when the first plan is invalid).
    const planner = new LlmPlanner(createLlmClient({ baseUrl: server.url, model: 'm', apiKey: '', timeoutMs: 600_000, output: 'json_schema', rerank: false, metadata: false }), {
      timeoutMs: 600_000,
    });
    const latency: number[] = [];
    let failed = 0;
    for (let i = 0; i < args.runs; i++) {
      const t = performance.now();
      try {
        await planner.plan(QUESTIONS[i % QUESTIONS.length]!, {});
      } catch {
        failed++;
      }
      latency.push((performance.now() - t) / 1000);
    }

    const f = (n: number) => n.toFixed(1);
    const lines = [
      `Model: ${path.basename(args.model)}; ${os.cpus().length} CPU, ${args.threads ?? os.availableParallelism()} threads; load average at start ${load.toFixed(1)}; medians of ${args.runs} runs.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| prompt processing (${promptTokens}-token prompt, nothing cached) | ${f(median(prompt))} tokens/s |`,
      `| free generation (128 tokens) | ${f(median(gen))} tokens/s |`,
      `| generation under the plan grammar (json_schema, ${median(grammarTokens)} tokens) | ${f(median(grammar))} tokens/s |`,
      `| planner latency (LlmPlanner, json_schema, repair included) | ${f(median(latency))} s (max ${f(Math.max(...latency))} s; ${failed} of ${args.runs} gave up) |`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-llm: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
