import { createContext, useContext, useEffect, useRef, useState } from 'react';

import { type LiveEvent } from './types';

type Listener = (event: LiveEvent) => void;

interface Live {
  connected: boolean;
  subscribe(listener: Listener): () => void;
  /** Bumped every time the stream (re)opens: pages reload then, since events may have been missed. */
  generation: number;
}

const LiveContext = createContext<Live>({ connected: false, subscribe: () => () => undefined, generation: 0 });

/** One EventSource for the whole page, shared by every view. */
export function LiveProvider({ children }: { children: React.ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const source = new EventSource('/api/events');
    source.addEventListener('ready', () => {
      setConnected(true);
      setGeneration((value) => value + 1);
    });
    source.onerror = () => setConnected(false);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LiveEvent;
      for (const listener of listeners.current) listener(event);
    };
    return () => source.close();
  }, []);
  const subscribe = (listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  };
  return <LiveContext.Provider value={{ connected, subscribe, generation }}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  return useContext(LiveContext);
}

/** Calls `listener` for every live event while the component is mounted. */
export function useLiveEvents(listener: Listener): void {
  const live = useLive();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => live.subscribe((event) => latest.current(event)), [live]);
}
