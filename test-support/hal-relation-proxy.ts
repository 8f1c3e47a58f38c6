/**
 * What the Pact Broker's own CI puts in front of the broker when it verifies the broker client's pact
 * (pact_broker spec/service_consumers/hal_relation_proxy_app.rb, QUERY_STRING_REPLACEMENTS). A V2
 * pact stores a query as a map sorted by key, so `q[][pacticipant]=Foo&q[][pacticipant]=Bar&
 * q[][version]=1.2.3&q[][version]=4.5.6` comes back with the selectors' pairing lost, and pact's
 * verifier sends the keys in any order. The broker parses selectors by parameter order (Rack), so its
 * CI restores the pairing the client really sends for each matrix query of the pact; this proxy does
 * the same for the double, recognising a query by its parameters in any order. Nothing else changes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The queries in the order the broker client sends them, as listed in hal_relation_proxy_app.rb. */
const PAIRED_QUERIES: readonly string[] = [
  'q[][pacticipant]=Bar&q[][version]=4.5.6&q[][pacticipant]=Foo&q[][tag]=prod&latestby=cvpv&ignore[][pacticipant]=Foo&ignore[][version]=3.4.5',
  'q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=4.5.6&latestby=cvpv',
  'q[][pacticipant]=Foo Thing&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=4.5.6&latestby=cvpv',
  'q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=9.9.9&latestby=cvpv',
  'q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][latest]=true&q[][tag]=prod&latestby=cvpv',
  'q[][pacticipant]=Foo&q[][version]=1.2.4&q[][pacticipant]=Bar&q[][latest]=true&latestby=cvpv',
];

function pairs(query: string): string[] {
  return query.split('&').filter(Boolean).map((p) => {
    const [k, v = ''] = p.split('=');
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return `${dec(k)}=${dec(v)}`;
  });
}

const key = (query: string) => pairs(query).sort().join('&');
const encode = (query: string) => pairs(query).map((p) => p.split('=').map(encodeURIComponent).join('=')).join('&');
const REPLACEMENTS = new Map(PAIRED_QUERIES.map((q) => [key(q), encode(q)]));

/** The query the broker sees: the client's pairing restored when the query is one of PAIRED_QUERIES. */
export function restorePairing(query: string): string {
  return REPLACEMENTS.get(key(query)) ?? query;
}

export interface HalRelationProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHalRelationProxy(target: string): Promise<HalRelationProxy> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', target);
    const query = restorePairing(u.search.replace(/^\?/, ''));
    const upstream = http.request(`${target}${u.pathname}${query ? `?${query}` : ''}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
