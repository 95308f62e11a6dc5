/**
 * What an HTTP address in mlops.yml may be: an absolute http:// or https:// URL. validate-charter
 * reports the problem at its line; deploy-test and the canary providers refuse with the same
 * words, so a charter that passes is never refused later for its URLs.
 */
export function httpUrlProblem(text: string, key: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${key} is not an absolute URL: write it as http://host:port/path`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${key} uses the scheme ${url.protocol.replace(/:$/, '')}: only http and https are spoken here (e.g. http://127.0.0.1:8080/predict)`;
  }
  return undefined;
}
