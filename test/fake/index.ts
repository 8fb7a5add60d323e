export * from './images';
export * from './fake-server';
export * from './sellerpic.fake';
export * from './piapi.fake';
export * from './openai-chat.fake';
export * from './shapes';
