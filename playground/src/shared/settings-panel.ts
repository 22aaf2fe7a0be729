import { PROVIDERS } from './providers';
import { FAULTS } from './scenario';
import type { FaultId, ProviderId, SettingsStore } from './settings';

// The side panel is plain DOM, shared by both pages: it only writes the settings store.

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

function labelled(id: string, text: string, control: HTMLElement, hint?: string): HTMLElement {
  const children: Array<Node | string> = [element('label', { htmlFor: id, textContent: text }), control];
  if (hint) children.push(element('small', { id: `${id}-hint`, textContent: hint }));
  return element('div', { className: 'field' }, children);
}

export function mountSettingsPanel(container: HTMLElement, store: SettingsStore): void {
  const initial = store.get();

  const provider = element('select', { id: 'setting-provider' });
  for (const p of PROVIDERS) {
    provider.append(element('option', { value: p.id, textContent: p.label }));
  }
  provider.value = initial.provider;
  provider.setAttribute('aria-describedby', 'setting-provider-hint');
  provider.addEventListener('change', () => store.set({ provider: provider.value as ProviderId }));

  const speed = element('input', { id: 'setting-speed', type: 'range', min: '5', max: '300', step: '5', value: String(initial.tokensPerSecond) });
  const speedValue = element('output', { textContent: `${initial.tokensPerSecond} tokens/s` });
  speedValue.setAttribute('for', 'setting-speed');
  speed.addEventListener('input', () => {
    store.set({ tokensPerSecond: Number(speed.value) });
    speedValue.textContent = `${speed.value} tokens/s`;
  });

  const length = element('input', { id: 'setting-length', type: 'number', min: '1', max: '2000', value: String(initial.answerLength) });
  length.addEventListener('input', () => {
    const n = Math.floor(Number(length.value));
    if (Number.isFinite(n) && n >= 1) store.set({ answerLength: n });
  });

  const reasoning = element('input', { id: 'setting-reasoning', type: 'checkbox', checked: initial.reasoning });
  reasoning.addEventListener('change', () => store.set({ reasoning: reasoning.checked }));

  const smooth = element('input', { id: 'setting-smooth', type: 'checkbox', checked: initial.smooth });
  smooth.addEventListener('change', () => store.set({ smooth: smooth.checked }));

  const faults = element('fieldset', { className: 'faults' }, [element('legend', { textContent: 'Fault on the first attempt' })]);
  for (const f of FAULTS) {
    const id = `fault-${f.id}`;
    const radio = element('input', { type: 'radio', name: 'fault', id, value: f.id, checked: f.id === initial.fault });
    radio.setAttribute('aria-describedby', `${id}-hint`);
    radio.addEventListener('change', () => radio.checked && store.set({ fault: f.id as FaultId }));
    faults.append(
      element('div', { className: 'fault' }, [
        radio,
        element('label', { htmlFor: id, textContent: f.label }),
        element('small', { id: `${id}-hint`, textContent: f.expect }),
      ]),
    );
  }

  const form = element('form', { className: 'settings' }, [
    element('h2', { textContent: 'Mock provider' }),
    labelled('setting-provider', 'Provider format', provider, 'Changing it starts a new chat.'),
    element('div', { className: 'field' }, [element('label', { htmlFor: 'setting-speed', textContent: 'Speed' }), speed, speedValue]),
    labelled('setting-length', 'Answer length (tokens)', length),
    element('div', { className: 'field inline' }, [reasoning, element('label', { htmlFor: 'setting-reasoning', textContent: 'Reasoning' })]),
    element('div', { className: 'field inline' }, [smooth, element('label', { htmlFor: 'setting-smooth', textContent: 'Smooth typing' })]),
    faults,
  ]);
  form.addEventListener('submit', (event) => event.preventDefault());
  container.append(form);
}
