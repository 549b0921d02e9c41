import { useCallback, useEffect, useRef, useState } from 'react';

import { api } from './api';
import { useLive } from './live';

/**
 * Loads `path` and reloads it when the live stream (re)connects or when asked. `reloadSoon` coalesces a
 * burst of events into one reload.
 */
export function useResource<T>(path: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const { generation } = useLive();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      setData(await api<T>(path));
      setError(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload, generation]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const reloadSoon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void reload(), 300);
  }, [reload]);

  return { data, setData, error, reload, reloadSoon };
}
