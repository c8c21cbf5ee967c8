import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Contact } from '../api/admin-types.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { usePages } from '../api/use-pages.ts';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { useFocusFirst } from '../components/use-focus-first.ts';
import { navigate, type PageProps } from '../router.tsx';

interface ContactForm { name: string; email: string; phone: string; active: boolean }
const blank: ContactForm = { name: '', email: '', phone: '', active: true };
const formOf = (c: Contact): ContactForm => ({ name: c.name, email: c.email ?? '', phone: c.phone ?? '', active: c.active });
const bodyOf = (f: ContactForm) => ({ name: f.name.trim(), email: f.email.trim() || null, phone: f.phone.trim() || null, active: f.active });

/** People who are told about alerts: by email, and by SMS for priority-1 KPIs. */
export function ContactsPage({ query }: PageProps) {
  const q = query.get('q') ?? '';
  const contacts = usePages((cursor, s) => api.get<Page<Contact>>('contacts', { q, cursor, limit: 100 }, s), [q]);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const remove = useAction();
  const del = (c: Contact) => {
    if (!window.confirm(`Delete the contact ${c.name}?`)) return;
    void remove.run(async () => { await api.delete(`contacts/${encodeURIComponent(c.id)}`); contacts.reload(); });
  };
  return (
    <section>
      <div className="page-head">
        <h1>Contacts</h1>
        <button type="button" onClick={() => setEditing('new')}>New contact</button>
      </div>
      {editing && (
        <ContactEditor key={editing === 'new' ? 'new' : editing.id} contact={editing === 'new' ? null : editing}
          onClose={(saved) => { setEditing(null); if (saved) contacts.reload(); }} />
      )}
      <form className="filters row" role="search" aria-label="Find contacts" onSubmit={(e) => {
        e.preventDefault();
        const value = new FormData(e.currentTarget).get('q');
        navigate(`/contacts${value ? `?q=${encodeURIComponent(String(value))}` : ''}`);
      }}>
        <label>Name, email or phone<input name="q" type="search" defaultValue={q} /></label>
        <button type="submit" className="secondary">Search</button>
      </form>
      <ErrorMessage error={remove.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Contacts</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Active</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {contacts.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td><td className="wrap">{c.email ?? '—'}</td><td>{c.phone ?? '—'}</td><td>{c.active ? 'yes' : 'no'}</td>
                <td className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>Edit</button>
                  <button type="button" className="secondary" onClick={() => del(c)} aria-label={`Delete ${c.name}`}>Delete</button>
                  <HistoryLink type="contact" id={c.id} name={c.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton pages={contacts} noun="contact" />
    </section>
  );
}

function ContactEditor({ contact, onClose }: { contact: Contact | null; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<ContactForm>(contact ? formOf(contact) : blank);
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const set = (name: keyof ContactForm, value: string | boolean) => setForm((f) => ({ ...f, [name]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (contact) await api.patch(`contacts/${encodeURIComponent(contact.id)}`, bodyOf(form), contact.version);
      else await api.post('contacts', bodyOf(form));
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={contact ? `Edit ${contact.name}` : 'New contact'} onSubmit={submit}>
      <h2>{contact ? `Edit ${contact.name}` : 'New contact'}</h2>
      <div className="form-grid">
        <Field label="Name" error={err.name}><input required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} /></Field>
        <Field label="Email" error={err.email}><input type="email" maxLength={254} value={form.email} onChange={(e) => set('email', e.target.value)} /></Field>
        <Field label="Phone (SMS)" error={err.phone} hint="E.164, e.g. +4915112345678">
          <input type="tel" maxLength={20} value={form.phone} onChange={(e) => set('phone', e.target.value)} />
        </Field>
      </div>
      <label className="inline"><input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} /> Active (receives notifications)</label>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save contact'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}
