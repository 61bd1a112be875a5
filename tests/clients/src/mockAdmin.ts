// A small client for the mock's admin API (/__mock/), typed from its contract
// (mock_server/controls/admin.yaml, generated into ./generated/admin.ts by openapi-typescript).
// Copy this file and the generated types into a frontend project; see docs/frontend.md.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/admin.js";

export type Stub = components["schemas"]["Stub"];
export type RequestMatcher = components["schemas"]["RequestMatcher"];
export type JournalEntry = components["schemas"]["JournalEntry"];
export type Controls = components["schemas"]["Controls"];
export type Keep = "stubs" | "controls" | "journal";

export interface NearMiss {
  request?: JournalEntry;
  differences?: string[];
}

export interface MockAdminOptions {
  /** The mock's base URL (default http://127.0.0.1:4010). */
  baseUrl?: string;
  /** The mock's --admin-token, if it runs with one. */
  token?: string;
}

function fail(what: string, response: Response, error: unknown): never {
  throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
}

export class MockAdmin {
  private readonly client;

  constructor(options: MockAdminOptions = {}) {
    this.client = createClient<paths>({
      baseUrl: `${options.baseUrl ?? "http://127.0.0.1:4010"}/__mock`,
      headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    });
  }

  /** Back to how the mock started (data, stubs, controls, journal), or one API; `keep` leaves parts alone. */
  async reset(options: { api?: string; keep?: Keep[] } = {}): Promise<void> {
    const { response, error } = await this.client.POST("/reset", {
      params: { query: { api: options.api, keep: options.keep } },
    });
    if (!response.ok) fail("reset", response, error);
  }

  /** Add a stub; returns it as stored (with its id). */
  async stub(stub: Stub): Promise<Stub> {
    const { data, response, error } = await this.client.POST("/stubs", { body: stub });
    if (!data) fail("stub", response, error);
    return data;
  }

  async stubs(): Promise<Stub[]> {
    const { data, response, error } = await this.client.GET("/stubs");
    if (!data) fail("stubs", response, error);
    return data.stubs ?? [];
  }

  async removeStub(stubId: string): Promise<void> {
    const { response, error } = await this.client.DELETE("/stubs/{stubId}", { params: { path: { stubId } } });
    if (!response.ok) fail("removeStub", response, error);
  }

  /** Replace the global latency and fault settings (what is left out is off). */
  async controls(controls: Controls): Promise<Controls> {
    const { data, response, error } = await this.client.PUT("/controls", { body: controls });
    if (!data) fail("controls", response, error);
    return data;
  }

  /** How many journaled requests match (WireMock's verify). */
  async count(matcher: RequestMatcher = {}): Promise<number> {
    const { data, response, error } = await this.client.POST("/journal/count", { body: matcher });
    if (!data) fail("count", response, error);
    return data.count ?? 0;
  }

  async find(matcher: RequestMatcher = {}): Promise<JournalEntry[]> {
    const { data, response, error } = await this.client.POST("/journal/find", { body: matcher });
    if (!data) fail("find", response, error);
    return data.entries ?? [];
  }

  /** The journaled requests closest to the matcher that did not match it, and what differed. */
  async nearMisses(matcher: RequestMatcher, limit = 3): Promise<NearMiss[]> {
    const { data, response, error } = await this.client.POST("/journal/near-misses", {
      params: { query: { limit } },
      body: matcher,
    });
    if (!data) fail("nearMisses", response, error);
    return data.near_misses ?? [];
  }
}
