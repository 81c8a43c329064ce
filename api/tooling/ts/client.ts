// A tiny client built only on the types openapi-typescript generates from
// api/auth.yaml and api/pdf.yaml (into gen/, not committed). `tsc --noEmit`
// checks it in make lint-spec: renaming a field, an operation's status or
// media type in a spec breaks this file, the way it would break a real
// TypeScript consumer.
import type { components as Auth, operations as AuthOps } from "../gen/auth";
import type { components as Pdf, operations as PdfOps } from "../gen/pdf";

type SignupBody = AuthOps["Signup"]["requestBody"]["content"]["application/json"];
type User = AuthOps["Signup"]["responses"][201]["content"]["application/json"];
type LoginBody = AuthOps["Login"]["requestBody"]["content"]["application/json"];
type Token = AuthOps["Login"]["responses"][200]["content"]["application/json"];
type RefreshBody = AuthOps["Refresh"]["requestBody"]["content"]["application/json"];
type Refreshed = AuthOps["Refresh"]["responses"][200]["content"]["application/json"];
type PasswordBody = AuthOps["ChangePassword"]["requestBody"]["content"]["application/json"];
type DeleteBody = AuthOps["DeleteMe"]["requestBody"]["content"]["application/json"];
type Me = AuthOps["GetMe"]["responses"][200]["content"]["application/json"];
type DownloadHeaders = NonNullable<PdfOps["DownloadPdf"]["parameters"]["header"]>;
type Accepted = PdfOps["UploadPdfToS3"]["responses"][202]["content"]["application/json"];
type JobPath = PdfOps["GetJob"]["parameters"]["path"];
type Job = PdfOps["GetJob"]["responses"][200]["content"]["application/json"];
type Problem = Auth["schemas"]["Problem"];

// Both specs take Problem from api/common.yaml: the two must be one type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const problemIsShared: Same<Problem, Pdf["schemas"]["Problem"]> = true;
// Every error of every operation is a problem document.
const signupInvalid: Same<AuthOps["Signup"]["responses"][422]["content"]["application/problem+json"], Problem> = true;
const jobMissing: Same<PdfOps["GetJob"]["responses"][404]["content"]["application/problem+json"], Problem> = true;
const pdfBusy: Same<PdfOps["DownloadPdf"]["responses"][503]["content"]["application/problem+json"], Problem> = true;
// A refresh answers the same pair a login does.
const refreshIsLogin: Same<Refreshed, Token> = true;
const refreshRefused: Same<AuthOps["Refresh"]["responses"][401]["content"]["application/problem+json"], Problem> = true;
export const checks = [problemIsShared, signupInvalid, jobMissing, pdfBusy, refreshIsLogin, refreshRefused];

/** ApiError carries the problem document a Prana service answered. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail} (request ${problem.request_id})`);
  }
}

async function call<T>(url: string, init: RequestInit, ok: number): Promise<T> {
  const res = await fetch(url, init);
  if (res.status !== ok) {
    throw new ApiError((await res.json()) as Problem);
  }
  return (await res.json()) as T;
}

function json(body: SignupBody | LoginBody | RefreshBody | PasswordBody | DeleteBody, method = "POST"): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

async function noContent(url: string, init: RequestInit): Promise<void> {
  const res = await fetch(url, init);
  if (res.status !== 204) {
    throw new ApiError((await res.json()) as Problem);
  }
}

function bearer(token: Token): Record<string, string> {
  return { Authorization: `${token.token_type} ${token.access_token}` };
}

export function signup(authURL: string, body: SignupBody): Promise<User> {
  return call<User>(`${authURL}/api/auth/signup`, json(body), 201);
}

export function login(authURL: string, body: LoginBody): Promise<Token> {
  return call<Token>(`${authURL}/api/auth/login`, json(body), 200);
}

/** refresh spends token.refresh_token for a new pair: keep the new one. */
export function refresh(authURL: string, token: Token): Promise<Token> {
  return call<Token>(`${authURL}/api/auth/refresh`, json({ refresh_token: token.refresh_token }), 200);
}

export function logout(authURL: string, token: Token): Promise<void> {
  return noContent(`${authURL}/api/auth/logout`, json({ refresh_token: token.refresh_token }));
}

export function changePassword(authURL: string, token: Token, body: PasswordBody): Promise<void> {
  const init = json(body);
  return noContent(`${authURL}/api/auth/password`, { ...init, headers: { ...init.headers, ...bearer(token) } });
}

export function deleteAccount(authURL: string, token: Token, password: string): Promise<void> {
  const init = json({ password }, "DELETE");
  return noContent(`${authURL}/api/auth/me`, { ...init, headers: { ...init.headers, ...bearer(token) } });
}

export function me(authURL: string, token: Token): Promise<Me> {
  return call<Me>(`${authURL}/api/auth/me`, { headers: bearer(token) }, 200);
}

/** download answers the PDF, or null when etag is still current (304). */
export async function download(pdfURL: string, token: Token, etag?: string): Promise<Blob | null> {
  const conditional: DownloadHeaders = etag ? { "If-None-Match": etag } : {};
  const res = await fetch(`${pdfURL}/api/pdf/download`, { headers: { ...bearer(token), ...conditional } });
  if (res.status === 304) {
    return null;
  }
  if (res.status !== 200) {
    throw new ApiError((await res.json()) as Problem);
  }
  return res.blob();
}

export function upload(pdfURL: string, token: Token): Promise<Accepted> {
  return call<Accepted>(`${pdfURL}/api/pdf/upload-to-s3`, { method: "POST", headers: bearer(token) }, 202);
}

export function jobStatus(pdfURL: string, token: Token, path: JobPath): Promise<Job> {
  return call<Job>(`${pdfURL}/api/pdf/jobs/${encodeURIComponent(path.job_id)}`, { headers: bearer(token) }, 200);
}

/** example runs the whole journey: sign up, log in, render, queue, poll. */
export async function example(authURL: string, pdfURL: string): Promise<string> {
  const user = await signup(authURL, {
    name: "Іван",
    surname: "Петренко",
    email: "ivan@example.com",
    date_of_birth: "1990-02-28",
    password: "correct horse battery staple",
  });
  const token = await login(authURL, { email: user.email, password: "correct horse battery staple" });
  const profile = await me(authURL, token);
  await download(pdfURL, token);
  const accepted = await upload(pdfURL, token);
  let job = await jobStatus(pdfURL, token, { job_id: accepted.job_id });
  while (job.status === "queued" || job.status === "processing") {
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = await jobStatus(pdfURL, token, { job_id: job.job_id });
  }
  if (job.status === "failed") {
    throw new Error(`job ${job.job_id} of ${profile.id} failed: ${job.error ?? "no reason given"}`);
  }
  return job.url;
}
