{{/*
A Seedship HTTP service: Deployment, Service and PodDisruptionBudget from one values block.
Arguments: root (the chart context), component (its name), values (its values block), env (extra
environment, YAML list), volumes and volumeMounts (YAML lists), secretEnv (true to mount the Azure
credentials).
*/}}
{{- define "seedship.service" -}}
{{- $ctx := dict "root" .root "component" .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "seedship.fullname" $ctx }}
  labels:
    {{- include "seedship.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "seedship.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "seedship.selectorLabels" $ctx | nindent 8 }}
      annotations:
        # Restart the pods when the chart's own secrets change.
        checksum/secrets: {{ include (print .root.Template.BasePath "/secrets.yaml") .root | sha256sum }}
    spec:
      serviceAccountName: {{ include "seedship.fullname" (dict "root" .root "component" "service") }}
      automountServiceAccountToken: false
      securityContext:
        {{- include "seedship.podSecurityContext" . | nindent 8 }}
      {{- with .root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with .values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "seedship.selectorLabels" $ctx | nindent 14 }}
      containers:
        - name: {{ .component }}
          image: {{ include "seedship.image" $ctx }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          securityContext:
            {{- include "seedship.containerSecurityContext" . | nindent 12 }}
          ports:
            - name: http
              containerPort: 3000
              protocol: TCP
          env:
            {{- include "seedship.commonEnv" $ctx | nindent 12 }}
            - name: PORT
              value: "3000"
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- range $name, $value := .values.extraEnv }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: 10
            failureThreshold: 3
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            initialDelaySeconds: 10
            periodSeconds: 20
            failureThreshold: 3
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; Node and the tools it runs still need a scratch /tmp.
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 1Gi
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "seedship.fullname" $ctx }}
  labels:
    {{- include "seedship.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "seedship.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
{{- if gt (int .values.replicas) 1 }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "seedship.fullname" $ctx }}
  labels:
    {{- include "seedship.labels" $ctx | nindent 4 }}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      {{- include "seedship.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end -}}
