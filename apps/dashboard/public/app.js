// A deliberately small placeholder dashboard: sign in, list incidents, upload a bundle,
// read an analysis. It uses only the public interfaces (GraphQL, REST upload).
const $ = (id) => document.getElementById(id);
const views = ['login-view', 'incidents-view', 'incident-view'];

function show(view) {
  for (const id of views) $(id).hidden = id !== view;
}

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

async function graphql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const payload = await response.json();
  if (payload.errors?.length) {
    const error = new Error(payload.errors.map((e) => e.message).join('; '));
    error.code = payload.errors[0].extensions?.code;
    throw error;
  }
  return payload.data;
}

async function start() {
  try {
    const { me } = await graphql('{ me { name team { name } } }');
    $('who').textContent = `${me.name} · team ${me.team.name}`;
    $('session').hidden = false;
    await listIncidents();
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED') show('login-view');
    else throw error;
  }
}

async function listIncidents() {
  show('incidents-view');
  const { incidents } = await graphql(`
    {
      incidents(first: 50) {
        nodes {
          id
          title
          status
          createdAt
          bundles {
            originalName
            analyses {
              status
            }
          }
        }
      }
    }
  `);
  const rows = $('incident-rows');
  rows.replaceChildren();
  for (const incident of incidents.nodes) {
    const row = document.createElement('tr');
    const titleCell = document.createElement('td');
    const link = text('a', incident.title);
    link.href = `#incident/${incident.id}`;
    titleCell.append(link);
    const analyses = incident.bundles.flatMap((b) => b.analyses);
    const latest = analyses.at(-1);
    row.append(
      titleCell,
      text('td', incident.status.toLowerCase()),
      text('td', incident.bundles.map((b) => b.originalName).join(', ') || '—'),
      latest
        ? wrap('td', text('span', latest.status.toLowerCase(), `badge ${latest.status}`))
        : text('td', '—'),
      text('td', new Date(incident.createdAt).toLocaleString()),
    );
    rows.append(row);
  }
  if (incidents.nodes.length === 0)
    rows.append(wrap('tr', text('td', 'No incidents yet: upload a bundle above.')));
}

function wrap(tag, child) {
  const element = document.createElement(tag);
  element.append(child);
  return element;
}

async function showIncident(id) {
  show('incident-view');
  const { incident } = await graphql(
    `
      query ($id: ID!) {
        incident(id: $id) {
          title
          description
          status
          labels
          bundles {
            originalName
            sizeBytes
            analyses {
              id
              status
              stage
              progress
              error
              stages {
                name
                state
                note
              }
              bundle {
                artifacts {
                  path
                  kind
                  status
                  error
                }
              }
              findings {
                rootCauseId
                confidence
                summary
              }
            }
          }
        }
      }
    `,
    { id },
  );
  if (!incident) {
    $('incident-title').textContent = 'Incident not found';
    $('incident-body').replaceChildren();
    return;
  }
  $('incident-title').textContent = incident.title;
  const body = $('incident-body');
  body.replaceChildren(text('p', incident.description || ''));
  for (const bundle of incident.bundles) {
    body.append(text('h3', `${bundle.originalName} (${bundle.sizeBytes} bytes)`));
    for (const analysis of bundle.analyses) {
      body.append(
        text(
          'p',
          `Analysis ${analysis.status.toLowerCase()}${analysis.error ? `: ${analysis.error}` : ''}`,
          analysis.status,
        ),
      );
      const stages = document.createElement('ul');
      for (const stage of analysis.stages)
        stages.append(
          text('li', `${stage.name}: ${stage.state}${stage.note ? ` — ${stage.note}` : ''}`),
        );
      body.append(stages);
      const table = document.createElement('table');
      table.append(wrap('thead', rowOf('th', ['Artifact', 'Kind', 'Status'])));
      for (const artifact of analysis.bundle.artifacts) {
        table.append(
          rowOf('td', [
            artifact.path,
            artifact.kind,
            artifact.status.toLowerCase() + (artifact.error ? `: ${artifact.error}` : ''),
          ]),
        );
      }
      body.append(table);
      if (analysis.findings.length === 0 && analysis.status === 'SUCCEEDED')
        body.append(text('p', 'No finding.', 'hint'));
      for (const finding of analysis.findings) {
        body.append(
          text(
            'p',
            `${finding.rootCauseId} (${Math.round(finding.confidence * 100)}%): ${finding.summary}`,
          ),
        );
      }
    }
  }
}

function rowOf(cell, values) {
  const row = document.createElement('tr');
  for (const value of values) row.append(text(cell, value));
  return row;
}

async function route() {
  const match = location.hash.match(/^#incident\/([0-9a-f-]{36})$/);
  if (match) await showIncident(match[1]);
  else await start();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
  });
  if (response.ok) {
    $('login-error').textContent = '';
    await start();
  } else {
    $('login-error').textContent = (await response.json()).message ?? 'Sign-in failed';
  }
});

$('logout').addEventListener('click', async () => {
  await fetch('/api/auth/logout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  $('session').hidden = true;
  show('login-view');
});

$('new-incident').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const status = $('upload-status');
  try {
    status.textContent = 'creating incident…';
    const { createIncident } = await graphql(
      'mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id } }',
      {
        input: { title: form.get('title') },
      },
    );
    status.textContent = 'uploading…';
    const upload = new FormData();
    upload.append('file', form.get('file'));
    const response = await fetch(`/api/incidents/${createIncident.id}/bundles`, {
      method: 'POST',
      headers: { 'x-netmortem-csrf': '1' },
      body: upload,
    });
    if (!response.ok) throw new Error((await response.json()).message);
    status.textContent = '';
    location.hash = `#incident/${createIncident.id}`;
  } catch (error) {
    status.textContent = `failed: ${error.message}`;
  }
});

$('back').addEventListener('click', (event) => {
  event.preventDefault();
  location.hash = '';
});

window.addEventListener('hashchange', () => void route());
void route();
