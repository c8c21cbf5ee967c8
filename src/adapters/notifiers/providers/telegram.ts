import { chatText, endpoint, type Provider } from './message.ts';

/**
 * Telegram Bot API `sendMessage`: POST <api>/bot<token>/sendMessage with `chat_id` and `text` (at most
 * 4,096 characters), plain text (no parse_mode, so nothing in a KPI's name is read as markup).
 * Telegram answers a flood with 429 and `parameters.retry_after` (seconds), which http-send honours.
 */
export const telegram: Provider = (t, m) => [{
  url: `${endpoint(t, 'https://api.telegram.org')}/bot${t.settings.botToken!}/sendMessage`, headers: {},
  body: { chat_id: t.settings.chatId!, text: chatText(m, 4096), link_preview_options: { is_disabled: true } },
}];
